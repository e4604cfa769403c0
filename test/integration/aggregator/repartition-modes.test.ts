/**
 * REPARTITION_MODE on the real stack: an aggregator that fed every record through the
 * by-customer topic (hop), stopped and started again reading billing.transactions directly (the
 * default), must go on from where the repartition stage got to: nothing applied twice, nothing
 * missed, one state per customer equal to a plain replay. Half the records are keyless (kafkajs
 * spreads them over the partitions), so the direct reader forwards some and applies the rest.
 * The input spans 36 hours (less than the allowed lateness): the order in which a shard gets its
 * two streams decides nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Message } from 'kafkajs';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { oracleAggregates } from '../../../tools/testkit/src/aggregate-oracle';
import { customerShards, dropPrefix, PARTITIONS, pipelineFixture, readCustomers, repartitionGroup, toMessage, waitApplied, withPartitions, withoutSeq } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, testKafka, topicEnd } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { generateTransactions, type FixtureEvent } from '../../../tools/testkit/src/transaction-fixtures';

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

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('REPARTITION_MODE', () => {
  it('hop, then direct: goes on from the repartition group, applies each transaction once, forwards only what is off its shard', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const events = generateTransactions({ count: 24_000, customers: 1_500, startMs: Date.UTC(2025, 3, 1), days: 1.5, seed: 21, resendEvery: 40 });
    const half = events.length / 2;
    // even records keyed by customerId (Kafka's default partitioner: on their shard), odd ones keyless
    const message = (e: FixtureEvent, i: number): Message => (i % 2 === 0 ? toMessage(f.codec, f.txSchemaId, e) : { value: toMessage(f.codec, f.txSchemaId, e).value });
    const first = events.slice(0, half);
    const second = events.slice(half);

    await produce(kafka, f.topics.transactions, first.map(message));
    const hop = await startService('aggregator', f.envFor('aggregator', { REPARTITION_MODE: 'hop' }));
    running.push(hop);
    await hop.ready();
    await waitApplied(redis, f, kafka, 180_000);
    expect(await topicEnd(kafka, f.topics.transactionsByCustomer)).toBeGreaterThanOrEqual(first.length); // every record went through it
    expect(await hop.stop()).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: repartitionGroup(f.suffix), topics: [f.topics.transactions] }).finally(() => admin.disconnect());
    expect(committed!.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(first.length);
    const byCustomerAfterHop = await topicEnd(kafka, f.topics.transactionsByCustomer);

    await produce(kafka, f.topics.transactions, second.map((e, i) => message(e, half + i)));
    const direct = await startService('aggregator', f.envFor('aggregator'));
    running.push(direct);
    await direct.ready();
    await waitApplied(redis, f, kafka, 180_000);
    const metrics = await fetch(`http://127.0.0.1:${direct.port}/metrics`).then((r) => r.text());
    expect(await direct.stop()).toBe(0);

    // this process read only the second half: the first was the repartition stage's
    const seenBefore = new Set(first.map((e) => e.transactionId));
    const fresh = new Set(second.map((e) => e.transactionId).filter((id) => !seenBefore.has(id)));
    expect(metric(metrics, 'tierflow_aggregator_source_records_total')).toBe(second.length);
    expect(metric(metrics, 'tierflow_aggregator_applied_total')).toBe(fresh.size);
    expect(metric(metrics, 'tierflow_aggregator_duplicates_total')).toBe(second.length - fresh.size);
    // forwarded: exactly the second half's records not on their shard's partition (keyless ones
    // that landed elsewhere); the keyed ones were applied where they were
    const forwarded = metric(metrics, 'tierflow_aggregator_repartitioned_total');
    expect(await topicEnd(kafka, f.topics.transactionsByCustomer)).toBe(byCustomerAfterHop + forwarded);
    expect(forwarded).toBeGreaterThan(0);
    expect(forwarded).toBeLessThan(second.length / 2);

    // one state per customer, in its shard, equal to a plain replay of the whole input
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    const shards = await customerShards(redis, f.prefix);
    expect([...shards].filter(([id, s]) => s.length !== 1 || s[0] !== partitionOfKey(id, PARTITIONS))).toEqual([]);
    expect([...shards.keys()].sort()).toEqual([...oracle.keys()].sort());
    expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);
  }, 400_000);
});
