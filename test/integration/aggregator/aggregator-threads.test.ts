import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { readAppliedOffset } from '@tierflow/contracts/keyspace/aggregator/applied-offset-reader';
import { oracleAggregates } from '../../../tools/testkit/src/aggregate-oracle';
import { dropPrefix, withoutSeq, pipelineFixture, readCustomers, toMessage, waitApplied, withPartitions, PARTITIONS } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, testKafka } from '../../../tools/testkit/src/kafka-io';
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

/** The value of one series of a Prometheus text exposition (NaN when absent). */
const series = (text: string, name: string, labels = '') => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('aggregator with APPLY_THREADS=2', () => {
  it('applies exactly once across its threads, serves their summed metrics and readiness, and stops cleanly', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const events = generateTransactions({ count: 40_000, customers: 1_500, startMs: Date.UTC(2025, 0, 1), days: 100, seed: 11, resendEvery: 25 });
    const s = await startService('aggregator', f.envFor('aggregator', { APPLY_THREADS: '2' }));
    running.push(s);
    await s.ready();
    // produced once both threads are members: a thread that joined after its partner had taken
    // the whole backlog (it reads the transactions topic directly) would process no batch
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)));
    await waitApplied(redis, f, kafka, 180_000);

    // the state: the independent replay's
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);

    // the threads' counters summed: each distinct transaction applied once, each resend skipped once
    const distinct = new Set(events.map((e) => e.transactionId)).size;
    expect(distinct).toBeLessThan(events.length); // the fixture has resends
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
    expect(series(metrics, 'tierflow_aggregator_applied_total')).toBe(distinct);
    expect(series(metrics, 'tierflow_aggregator_duplicates_total')).toBe(events.length - distinct);
    // both threads are group members, up, and hold disjoint shards that cover all six
    const group = `tierflow-aggregator-${f.suffix}`;
    const shardsOf = (thread: string) => new Set(
      [...metrics.matchAll(new RegExp(`^tierflow_consumer_lag_records\\{consumer="${group}",topic="[^"]+",partition="(\\d)",thread="${thread}"\\}`, 'gm'))].map((m) => Number(m[1])),
    );
    for (const thread of ['apply-1', 'apply-2']) {
      expect(series(metrics, 'tierflow_consumer_up', `{consumer="${group}",thread="${thread}"}`)).toBe(1);
      expect(shardsOf(thread).size).toBeGreaterThan(0);
    }
    const all = [...shardsOf('apply-1'), ...shardsOf('apply-2')];
    expect(all.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await fetch(`http://127.0.0.1:${s.port}/readyz`)).status).toBe(200);

    expect(await s.stop()).toBe(0);
  }, 300_000);

  it('with a backlog already there at start: every thread joins before any applies, both share the shards', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const events = generateTransactions({ count: 200_000, customers: 3_000, startMs: Date.UTC(2025, 0, 1), days: 60, seed: 12, resendEvery: 50 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
    const spawned = Date.now();
    const s = await startService('aggregator', f.envFor('aggregator', { APPLY_THREADS: '2', APPLY_STEP_EVENTS: '2000' }));
    running.push(s);
    await s.ready();
    // the first thread to join held its batches (start-gate.ts) and so rejoined within a
    // heartbeat, not after the group's rebalance timeout (20 s, on top of the process's and the
    // threads' start); the bound leaves a loaded machine room for those starts
    expect((Date.now() - spawned) / 1000).toBeLessThan(19);
    await waitApplied(redis, f, kafka, 180_000);
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
    expect(series(metrics, 'tierflow_aggregator_applied_total')).toBe(new Set(events.map((e) => e.transactionId)).size);
    const group = `tierflow-aggregator-${f.suffix}`;
    for (const thread of ['apply-1', 'apply-2']) {
      const held = new Set([...metrics.matchAll(new RegExp(`^tierflow_consumer_lag_records\\{consumer="${group}",topic="[^"]+",partition="(\\d)",thread="${thread}"\\}`, 'gm'))].map((m) => m[1]));
      expect(held.size).toBeGreaterThan(0);
    }
    expect(await s.stop()).toBe(0);
  }, 300_000);
});

/** shards holding an applied position of the transactions topic */
async function shardsStarted(prefix: string, topic: string): Promise<number> {
  let n = 0;
  for (let p = 0; p < PARTITIONS; p++) if ((await readAppliedOffset(redis, prefix, topic, p)) !== null) n++;
  return n;
}

describe('a second aggregator joining while the first works through a backlog', () => {
  it('gets its share within a few steps (the first stops its long batch at the rebalance), and every transaction is applied once', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    // a backlog one fetch round of the first member takes well over the group's rebalance
    // timeout (20 s) to apply in steps of 500: before, the newcomer waited all of it out
    const events = generateTransactions({ count: 400_000, customers: 5_000, startMs: Date.UTC(2025, 0, 1), days: 60, seed: 23, resendEvery: 40 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
    const env = { APPLY_THREADS: '0', APPLY_STEP_EVENTS: '500' };
    const first = await startService('aggregator', f.envFor('aggregator', env));
    running.push(first);
    await first.ready();
    // the first member has committed a step: it is in the middle of its first fetch's batches
    const deadline = Date.now() + 60_000;
    while ((await shardsStarted(f.prefix, f.topics.transactions)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await shardsStarted(f.prefix, f.topics.transactions)).toBeGreaterThan(0);

    const joining = Date.now();
    const second = await startService('aggregator', f.envFor('aggregator', env));
    running.push(second);
    await second.ready(); // ready: a member of the group with its assignment
    const waited = (Date.now() - joining) / 1000;
    // its own start (a few seconds) plus one step and a heartbeat of the first, not the rebalance timeout
    expect(waited).toBeLessThan(19);
    const applied = async (s: ServiceProcess) => {
      const text = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
      return Number(/^tierflow_aggregator_applied_total (\S+)$/m.exec(text)?.[1] ?? NaN);
    };

    await waitApplied(redis, f, kafka, 300_000);
    // both processes applied part of the backlog, and each distinct transaction once between them
    const [byFirst, bySecond] = [await applied(first), await applied(second)];
    expect(byFirst).toBeGreaterThan(0);
    expect(bySecond).toBeGreaterThan(0);
    expect(byFirst + bySecond).toBe(new Set(events.map((e) => e.transactionId)).size);
    // the state: the independent replay's, each transaction once whoever applied it
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);
    expect(await second.stop()).toBe(0);
    expect(await first.stop()).toBe(0);
  }, 600_000);
});
