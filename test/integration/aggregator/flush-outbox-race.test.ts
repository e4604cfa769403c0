import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { valueSubject } from '@tierflow/contracts/topics';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { createAggregateEmitter } from '../../../services/aggregator/src/aggregate-emitter';
import { applyBatch } from '../../../services/aggregator/src/apply-script';
import { StateCache } from '../../../services/aggregator/src/partition-cache';
import { aggregateType, dropPrefix, pipelineFixture, PARTITIONS } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, readTopic, testKafka, topicEnd } from '../../../tools/testkit/src/kafka-io';

const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  redis.disconnect();
});

const WINDOWS = { currentDays: 30, rankingDays: 90, latenessMs: 48 * 3_600_000, genDays: 7 };
const CUSTOMERS = 24;
const DAY0 = Date.UTC(2025, 0, 1);

const charge = (customerId: string, n: number): TransactionEvent => ({
  transactionId: `${customerId}-t${n}`, customerId, occurredAt: DAY0 + n * 60_000, kind: 'CHARGE',
  amountMinor: 1_000 + n, costMinor: 400, currency: 'USD', product: null,
});

// The outbox is flushed when a partition is assigned, which can happen while its batches are
// being applied (a rebalance that keeps the partition here, the dead member of a killed instance
// timing out). The CI run of stop 24 caught the aggregator sending two different states under
// one seq after kill -9: the flush read a customer's stored state while an apply step that had
// just committed it still held it in the record cache with that seq.
/** `target` with one method answered `ms` late: an interleaving a busy event loop or a slow reply gives, made certain. */
function late<T extends object>(target: T, method: string, ms: number): T {
  return new Proxy(target, {
    get(t, key) {
      const v = Reflect.get(t, key) as unknown;
      if (typeof v !== 'function') return v;
      const fn = (v as (...a: unknown[]) => unknown).bind(t);
      if (key !== method) return fn;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, ms));
        return fn(...args);
      };
    },
  });
}

/** An emitter and apply steps on partition 0 of a fresh fixture, sharing one Redis connection as the service does. */
async function setup(slow: { smembers?: number; send?: number }) {
  const f = await pipelineFixture(kafka);
  cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
  const schemaId = await f.codec.registerFile(valueSubject(f.topics.aggregates), 'CustomerAggregate.avsc');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const cache = new StateCache();
  const emitter = createAggregateEmitter({
    redis: slow.smembers ? late(redis, 'smembers', slow.smembers) : redis,
    producer: slow.send ? late(producer, 'sendBatch', slow.send) : producer,
    cache, codec: f.codec, schemaId, topic: f.topics.aggregates, prefix: f.prefix, currency: 'USD',
    currentWindowDays: 30, rankingWindowDays: 90, dlqTopic: f.topics.transactionsDlq,
  });
  // customers of partition 0 only: one serial apply order, as one partition's handler has
  const ids: string[] = [];
  for (let i = 0; ids.length < CUSTOMERS; i++) if (partitionOfKey(`R${i}`, PARTITIONS) === 0) ids.push(`R${i}`);
  let offset = 0;
  const step = (customerId: string, n: number) => {
    const at = offset++;
    return applyBatch({
      redis, prefix: f.prefix, topic: f.topics.transactionsByCustomer, partition: 0, windows: WINDOWS, clockMs: 0,
      events: [{ offset: String(at), event: charge(customerId, n) }], lastOffset: String(at), cache: cache.of(0),
    });
  };
  return { f, cache, emitter, ids, step };
}

const later = <T>(ms: number, fn: () => Promise<T>) => new Promise((r) => setTimeout(r, ms)).then(fn);

describe('flushing the outbox while apply steps run on the partition', () => {
  it('never sends two different states under one seq', async () => {
    const { f, emitter, ids, step } = await setup({ smembers: 50 });
    for (const id of ids) {
      await step(id, 1);
      await emitter.emitUnsent(0); // seq 1 sent
      // an assignment's flush, and a step that commits while the flush reads the outbox
      await Promise.all([emitter.flushOutbox(0), later(5, () => step(id, 2))]);
      await step(id, 3); // one more change before the record cache is sent
      await emitter.emitUnsent(0);
      // the same with a step waiting in the record cache when the flush starts
      await step(id, 4);
      await Promise.all([emitter.flushOutbox(0), step(id, 5)]);
      await step(id, 6);
      await emitter.emitUnsent(0);
    }
    await emitter.flushOutbox(0);

    const type = await aggregateType();
    const end = await topicEnd(kafka, f.topics.aggregates);
    const messages = await readTopic(kafka, f.topics.aggregates, (m) => m.length >= end, 60_000);
    const bodies = new Map<string, Set<string>>();
    const last = new Map<string, { seq: number; txCount: number }>();
    for (const m of messages) {
      const a = await f.codec.decode<{ eventId: string; customerId: string; seq: number; txCount: number }>(m.value, type);
      const set = bodies.get(a.eventId) ?? new Set<string>();
      set.add(JSON.stringify(a));
      bodies.set(a.eventId, set);
      const prev = last.get(a.customerId);
      if (!prev || a.seq >= prev.seq) last.set(a.customerId, { seq: a.seq, txCount: a.txCount });
    }
    const split = [...bodies].filter(([, set]) => set.size > 1).map(([id]) => id);
    expect(split, 'eventIds sent with two different contents').toEqual([]);
    // and nothing is lost: every customer's last record carries all six of its transactions
    for (const id of ids) expect(last.get(id)?.txCount, id).toBe(6);
  }, 120_000);

  it('keeps in the outbox a customer committed again while its earlier state was being sent', async () => {
    const { f, cache, emitter, ids, step } = await setup({ send: 50 });
    const missing: string[] = [];
    for (const id of ids) {
      await step(id, 1);
      // the send of seq 1 is under way (its request answered 50 ms late) when the next change commits
      await Promise.all([emitter.emitUnsent(0), later(5, () => step(id, 2))]);
      expect(cache.of(0).unsent.has(id)).toBe(true);
      // a crash now would leave seq 2 only in memory unless the outbox still names the customer
      if ((await redis.sismember(`${f.prefix}{p0}:outbox`, id)) === 0) missing.push(id);
      await emitter.emitUnsent(0); // seq 2 sent: now it may leave the outbox
      expect(await redis.sismember(`${f.prefix}{p0}:outbox`, id)).toBe(0);
    }
    expect(missing, 'customers missing from the outbox').toEqual([]);
  }, 120_000);
});
