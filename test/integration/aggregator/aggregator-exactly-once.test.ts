import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { oracleAggregates } from '../../../tools/testkit/src/aggregate-oracle';
import {
  aggregateType, dropPrefix, withoutSeq, pipelineFixture, readCustomers, toMessage, waitApplied, withPartitions,
} from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka, topicEnd } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { generateTransactions } from '../../../tools/testkit/src/transaction-fixtures';

const WINDOWS = { currentWindowDays: 30, rankingWindowDays: 90, allowedLatenessMs: 48 * 3_600_000 };
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const cleanups: (() => Promise<void>)[] = [];
const running: ServiceProcess[] = [];

afterAll(async () => {
  for (const s of running) await s.kill9();
  for (const c of cleanups) await c();
  redis.disconnect();
});

async function fixture() {
  const f = await pipelineFixture(kafka);
  cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
  return f;
}

async function aggregator(env: Record<string, string>) {
  const s = await startService('aggregator', env);
  running.push(s);
  await s.ready();
  return s;
}

/** Every customer's seqs 1..final appear on customer.aggregates; repeats carry identical content. */
async function checkAggregateStream(topic: string, expectedSeq: Map<string, number>) {
  const f = await fixture(); // only for a codec
  const type = await aggregateType();
  // read to the end of the topic (a count would stop early when duplicates are present)
  const end = await topicEnd(kafka, topic);
  const messages = await readTopic(kafka, topic, (m) => m.length >= end, 90_000);
  const byId = new Map<string, string>();
  const seqs = new Map<string, Set<number>>();
  for (const m of messages) {
    const agg = await f.codec.decode<{ eventId: string; customerId: string; seq: number }>(m.value, type);
    const body = JSON.stringify(agg);
    const prior = byId.get(agg.eventId);
    if (prior !== undefined) expect(body).toBe(prior); // a duplicate only with the same eventId and content
    byId.set(agg.eventId, body);
    const set = seqs.get(agg.customerId) ?? new Set<number>();
    set.add(agg.seq);
    seqs.set(agg.customerId, set);
  }
  for (const [id, last] of expectedSeq) {
    const got = seqs.get(id);
    expect(got?.size, `aggregate events of ${id}`).toBe(last);
    expect(Math.max(...got!)).toBe(last);
  }
}

describe('aggregator on the real stack', () => {
  beforeAll(async () => {
    await redis.ping();
  });

  it('matches an oracle to the cent, de-duplicates resends and counts late events', async () => {
    const f = await fixture();
    const events = generateTransactions({ count: 20_000, customers: 800, startMs: Date.UTC(2025, 0, 1), days: 200, seed: 1, resendEvery: 97, lateEvery: 501 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)));
    const s = await aggregator(f.envFor('aggregator'));
    await waitApplied(redis, f, kafka);
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    const actual = await readCustomers(redis, f.prefix, [...oracle.keys()]);
    expect(withoutSeq(actual)).toEqual(oracle);
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/tierflow_aggregator_duplicates_total \d+/);
    const dupes = Number(/tierflow_aggregator_duplicates_total (\d+)/.exec(metrics)![1]);
    const late = Number(/tierflow_aggregator_late_total (\d+)/.exec(metrics)![1]);
    expect(dupes).toBe(Math.floor((20_000 - 1) / 97));
    expect(late).toBeGreaterThan(10);
    await s.stop();
  });

  it('survives kill -9 in the middle of large batches: state equals the oracle, no aggregate event lost', async () => {
    const f = await fixture();
    const events = generateTransactions({ count: 150_000, customers: 5_000, startMs: Date.UTC(2025, 0, 1), days: 120, seed: 2, resendEvery: 50 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)));
    for (let round = 0; round < 3; round++) {
      const s = await aggregator(f.envFor('aggregator'));
      // let it get into the stream, then kill it without warning
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        // shard 0's progress: read directly from the transactions topic, or through the by-customer topic
        const applied = await redis.hmget(`${f.prefix}{p0}:meta`, `off:${f.topics.transactions}:0`, `off:${f.topics.transactionsByCustomer}:0`);
        if (Math.max(...applied.map((a) => Number(a ?? -1))) > (round + 1) * 4_000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await s.kill9();
    }
    await aggregator(f.envFor('aggregator'));
    await waitApplied(redis, f, kafka, 180_000);
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    const actual = await readCustomers(redis, f.prefix, [...oracle.keys()]);
    expect(withoutSeq(actual)).toEqual(oracle);
    const finalSeq = new Map([...actual].map(([id, c]) => [id, c.seq]));
    // outboxes drained (the last step's send may still be in flight when its commit is seen)
    const outboxDepth = async () => {
      let n = 0;
      for (let p = 0; p < 6; p++) n += await redis.scard(`${f.prefix}{p${p}}:outbox`);
      return n;
    };
    for (let i = 0; i < 100 && (await outboxDepth()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await outboxDepth()).toBe(0);
    await checkAggregateStream(f.topics.aggregates, finalSeq);
  }, 300_000);

  it('loses and doubles nothing when a second instance joins and leaves mid-stream', async () => {
    const f = await fixture();
    const events = generateTransactions({ count: 100_000, customers: 3_000, startMs: Date.UTC(2025, 0, 1), days: 100, seed: 3, resendEvery: 40 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)));
    const first = await aggregator(f.envFor('aggregator'));
    const second = await aggregator(f.envFor('aggregator')); // joins: partitions are split between the two
    await new Promise((r) => setTimeout(r, 1_500));
    await second.stop(); // leaves mid-stream: its partitions go back to the first
    await waitApplied(redis, f, kafka, 180_000);
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);
    await first.stop();
  }, 300_000);

  it('re-applies what Redis lost when it comes back with an older state', async () => {
    const f = await fixture();
    const events = generateTransactions({ count: 60_000, customers: 2_000, startMs: Date.UTC(2025, 0, 1), days: 90, seed: 4 });
    const half = events.length / 2;
    await produce(kafka, f.topics.transactions, events.slice(0, half).map((e) => toMessage(f.codec, f.txSchemaId, e)));
    let s = await aggregator(f.envFor('aggregator'));
    await waitApplied(redis, f, kafka);
    await s.stop();
    // snapshot of the state after the first half: what an AOF a little behind would bring back
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${f.prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    const dumps = await Promise.all(keys.map((k) => redis.dumpBuffer(k)));
    await produce(kafka, f.topics.transactions, events.slice(half).map((e) => toMessage(f.codec, f.txSchemaId, e)));
    s = await aggregator(f.envFor('aggregator'));
    await waitApplied(redis, f, kafka);
    await s.stop(); // Kafka's committed offsets are now at the end
    await dropPrefix(redis, f.prefix);
    await Promise.all(keys.map((k, i) => redis.restore(k, 0, dumps[i]!)));
    await aggregator(f.envFor('aggregator'));
    await waitApplied(redis, f, kafka);
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);
  }, 300_000);
});
