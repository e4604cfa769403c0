/**
 * npm run test:faults: the whole pipeline (aggregator -> ranker -> churn-watch, alerter) under
 * faults, on the real local stack. Each scenario ends by comparing every key the aggregator wrote
 * with an oracle computed from the input (to the cent, one state per customer, in its shard), the
 * ranker's customers with the same set, and the tier changes on the topic with the changes an
 * independent sort-and-sum gives for the aggregates the ranker read (by eventId, with their
 * content). Bounded and local only: every loop has a count and a deadline.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Message } from 'kafkajs';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { frame } from '@tierflow/runtime/codec/wire-format';
import { kafkaProcess, startKafka, waitForKafka } from '../../tools/cli/src/stack/kafka-server';
import { runningPid, stopProcess } from '../../tools/cli/src/stack/process-control';
import { redisProcess, startRedis, waitForRedis } from '../../tools/cli/src/stack/redis-server';
import { registryProcess, startRegistry, waitForRegistry } from '../../tools/cli/src/stack/registry-server';
import { stackLayout } from '../../tools/cli/src/stack/stack-layout';
import type { TierChange } from '../../shared/contracts/src/events/event-types';
import type { AggregateFields } from '../../shared/domain/src/ranking/ranking-basis';
import { oracleAggregates } from '../../tools/testkit/src/aggregate-oracle';
import {
  customerShards, dropPrefix, PARTITIONS, pipelineFixture, readCustomers, toMessage, waitApplied, withPartitions, withoutSeq,
} from '../../tools/testkit/src/aggregator-harness';
import { shardOrder } from '../../tools/testkit/src/shard-order';
import { deleteTopics, produce, readTopic, testKafka, topicEnd } from '../../tools/testkit/src/kafka-io';
import { produceWithLibrdkafka } from '../support/librdkafka-producer';
import { decodeTopic, waitRanked } from '../../tools/testkit/src/pipeline-harness';
import { startService } from '../../tools/testkit/src/service-process';
import { SupervisedService } from '../../tools/testkit/src/supervised-service';
import { sortAndSumTierChanges } from '../support/tier-sort-and-sum';
import { generateTransactions, prng, type FixtureEvent } from '../../tools/testkit/src/transaction-fixtures';

const WINDOWS = { currentWindowDays: 30, rankingWindowDays: 90, allowedLatenessMs: 48 * 3_600_000 };
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl, { maxRetriesPerRequest: null });
redis.on('error', () => undefined); // the Redis-restart scenario drops this connection on purpose
const brokers = connectionConfig().kafkaBrokers.join(',');
const cleanups: (() => Promise<void>)[] = [];
/** the services of the test under way, restarted when they exit by themselves (as `tierflow start` does) */
const running = new Set<SupervisedService>();
type Service = 'aggregator' | 'ranker' | 'churn-watch' | 'alerter';
/** the ranker's tier rules pinned, so the sort-and-sum oracle knows them whatever the defaults */
const RANKER_RULES = { RANKING_BASIS: 'window-revenue', TIER_MODE: 'share', TIER_A_THRESHOLD: '0.8', TIER_B_THRESHOLD: '0.95', HYSTERESIS_MARGIN: '0', HYSTERESIS_MIN_DWELL_MS: '0', REGION_SCOPES: 'true' };

afterAll(async () => {
  await closeServices();
  for (const c of cleanups) await c().catch(() => undefined);
  redis.disconnect();
});

type Aggregate = AggregateFields & { customerId: string; seq: number; eventTime: number; eventId: string };

async function setup() {
  const f = await pipelineFixture(kafka);
  cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
  return f;
}
type Fixture = Awaited<ReturnType<typeof setup>>;

async function start(f: Fixture, name: Service, extra: Record<string, string> = {}): Promise<SupervisedService> {
  const env = f.envFor(name, { ...(name === 'ranker' ? RANKER_RULES : {}), ...extra });
  const s = await SupervisedService.start(name, () => startService(name, env));
  running.add(s);
  return s;
}

/** Ends a scenario's services and says which of them exited by themselves (and were started again). */
async function closeServices(): Promise<void> {
  for (const s of running) {
    await s.close();
    for (const e of s.exits) console.log(`${e.name} exited by itself (${e.code}) at ${e.at} and was started again: ${e.lastProblems.join(' | ')}`);
  }
  running.clear();
}

/** The last applied offset a service keeps in a Redis hash, per `<topic>:0`, against the topic's end. */
async function caughtUp(hash: string, topics: string[]): Promise<boolean> {
  for (const t of topics) {
    const end = await topicEnd(kafka, t);
    if (end === 0) continue;
    if (Number((await redis.hget(hash, `${t}:0`)) ?? -1) < end - 1) return false;
  }
  return true;
}

/** Final checks of every scenario: every aggregator key vs the oracle, the ranker's set, the tier changes vs a sort-and-sum. */
async function verify(f: Fixture, events: FixtureEvent[], opts: { downstream?: boolean } = {}) {
  await waitApplied(redis, f, kafka, 600_000);
  await waitRanked(redis, f.prefix, f.topics.aggregates, kafka, 600_000);
  // the routing lost and doubled nothing: the shards received exactly the valid input
  const { events: received, mixed } = await shardOrder(kafka, f);
  const canonical = (list: FixtureEvent[]) => list.map((e) => JSON.stringify([e.transactionId, e.customerId, e.occurredAt, e.kind, e.amountMinor, e.costMinor, e.currency, e.product])).sort();
  expect(canonical(received)).toEqual(canonical(events));
  // the oracle takes the order each shard received them in: with several producers and source
  // partitions it decides which events are late, and no producer's order is the shard's. A shard
  // fed both directly and through the by-customer topic has no recorded order: the input must
  // then be one that no order makes late (all of it within the allowed lateness)
  if (mixed.length > 0) {
    const times = events.map((e) => e.occurredAt);
    expect(Math.max(...times) - Math.min(...times), `shards ${mixed.join(', ')} received two streams`).toBeLessThan(WINDOWS.allowedLatenessMs);
  }
  const oracle = oracleAggregates(withPartitions(received), WINDOWS);
  expect(oracle.size).toBe(new Set(events.map((e) => e.customerId)).size);
  // every customer key the aggregator wrote: one per customer, in its shard, and no other
  const shards = await customerShards(redis, f.prefix);
  expect([...shards.keys()].sort()).toEqual([...oracle.keys()].sort());
  const split = [...shards].filter(([id, s]) => s.length !== 1 || s[0] !== partitionOfKey(id, PARTITIONS));
  expect(split).toEqual([]);
  expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);
  // the ranker holds the same customers, once each
  expect((await redis.hkeys(`${f.prefix}{rk}:customers`)).sort()).toEqual([...oracle.keys()].sort());

  const aggregates = (await decodeTopic<Aggregate>(kafka, f.topics.aggregates, 'CustomerAggregate.avsc')).map((a) => a.value);
  const inputs = aggregates.map((a) => ({ customerId: a.customerId, seq: a.seq, eventId: a.eventId, basis: a.rankingRevenueMinor }));
  const rules = { thresholdA: 0.8, thresholdB: 0.95 };
  // no profiles here: every customer is in region 'unassigned', whose ranking is the global one
  const expected = ['global', 'region:unassigned'].flatMap((scope) => sortAndSumTierChanges(inputs, rules, scope));
  const published = new Map<string, TierChange>();
  // a customer's changes in a scope carry increasing causeOffsets (churn-watch de-duplicates by them)
  const lastOffset = new Map<string, number>();
  let repeats = 0;
  for (const { value } of await decodeTopic<TierChange>(kafka, f.topics.tierChanges, 'TierChange.avsc')) {
    const prior = published.get(value.eventId);
    if (prior) {
      expect(value).toEqual(prior); // a repeat is the same event
      repeats++;
      continue;
    }
    published.set(value.eventId, value);
    const key = `${value.scope}|${value.customerId}`;
    expect(value.causeOffset, value.eventId).toBeGreaterThan(lastOffset.get(key) ?? -1);
    lastOffset.set(key, value.causeOffset as number);
  }
  if (repeats > 0) console.log(`tier changes delivered again: ${repeats}`);
  expect(expected.length).toBeGreaterThan(0);
  const missing = expected.filter((e) => !published.has(e.eventId));
  expect(missing.map((e) => e.eventId)).toEqual([]);
  for (const e of expected) expect(published.get(e.eventId), e.eventId).toMatchObject(e);
  expect(published.size).toBe(expected.length); // nothing extra either

  if (opts.downstream) {
    // churn-watch and the alerter, killed too, caught up with everything they read
    const deadline = Date.now() + 300_000;
    const cw = `${f.prefix}{cw}:offsets`;
    const al = `${f.prefix}{al}:offsets`;
    while (!(await caughtUp(cw, [f.topics.aggregates, f.topics.tierChanges])) || !(await caughtUp(al, [f.topics.churnRisk, f.topics.tierChanges]))) {
      if (Date.now() > deadline) throw new Error('churn-watch or the alerter did not catch up');
      await new Promise((r) => setTimeout(r, 500));
    }
    const risks = new Map<string, string>();
    for (const { value } of await decodeTopic<{ eventId: string }>(kafka, f.topics.churnRisk, 'ChurnRisk.avsc')) {
      const body = JSON.stringify(value);
      const prior = risks.get(value.eventId);
      if (prior !== undefined) expect(body).toBe(prior); // delivered again after a crash: the same event
      risks.set(value.eventId, body);
    }
  }
  return { aggregates: aggregates.length, tierChanges: expected.length };
}

/**
 * Resolves once the aggregator's shards have taken at least `n` records in total: the offsets
 * their meta hashes record for both inputs, the transactions topic read directly and the
 * by-customer topic (a forwarded record counts at both).
 */
async function progressAtLeast(prefix: string, topics: Pick<Fixture['topics'], 'transactions' | 'transactionsByCustomer'>, n: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const inputs = [topics.transactions, topics.transactionsByCustomer];
  const applied = async () => {
    const at: number[][] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const offsets = await redis.hmget(`${prefix}{p${p}}:meta`, ...inputs.map((t) => `off:${t}:${p}`));
      at.push(offsets.map((o) => Number(o ?? -1) + 1));
    }
    return at;
  };
  while (Date.now() < deadline) {
    if ((await applied()).flat().reduce((a, b) => a + b, 0) >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  // a stall explains itself: where each shard stands against its inputs' ends, and each service's state
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(inputs.map((t) => admin.fetchTopicOffsets(t))).finally(() => admin.disconnect());
  const at = await applied();
  const shards = at.map((a, p) => `p${p} ${a.map((x, i) => `${x}/${ends[i]!.find((o) => o.partition === p)?.high ?? '?'}`).join(' + ')}`).join(', ');
  const services = await Promise.all([...running].map((s) => s.describe()));
  throw new Error(`no progress to ${n} records within ${timeoutMs / 1000}s; applied/end by shard (direct + by-customer): ${shards}\n  ${services.join('\n  ')}`);
}

const kill9 = async (pid: number | null) => {
  if (pid) process.kill(pid, 'SIGKILL');
};

describe('pipeline faults', () => {
  it('kill -9 of the aggregator, the ranker, churn-watch and the alerter at random moments, 6 times in a 500,000-transaction run', async () => {
    const f = await setup();
    const events = generateTransactions({ count: 500_000, customers: 20_000, startMs: Date.UTC(2025, 0, 1), days: 150, seed: 11, resendEvery: 83, lateEvery: 997 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
    const order: Service[] = ['aggregator', 'ranker', 'churn-watch', 'alerter', 'aggregator', 'ranker'];
    const services = new Map<Service, SupervisedService>();
    for (const name of ['aggregator', 'ranker', 'churn-watch', 'alerter'] as const) services.set(name, await start(f, name));
    const rnd = prng(5);
    for (let kill = 0; kill < order.length; kill++) {
      await progressAtLeast(f.prefix, f.topics, Math.floor(((kill + 1) / 8) * events.length) + Math.floor(rnd() * 20_000), 300_000);
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 700)));
      await services.get(order[kill]!)!.kill9AndRestart();
    }
    const figures = await verify(f, events, { downstream: true });
    await closeServices();
    console.log(`kill -9 x6: ${events.length} transactions, ${figures.aggregates} aggregates, ${figures.tierChanges} tier changes verified`);
  }, 1_500_000);

  it('the Kafka broker killed with kill -9, the registry stopped and restarted, then Redis killed and restarted from its AOF', async () => {
    const layout = stackLayout();
    const f = await setup();
    const events = generateTransactions({ count: 200_000, customers: 10_000, startMs: Date.UTC(2025, 0, 1), days: 120, seed: 12, resendEvery: 61 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
    await start(f, 'aggregator');
    await start(f, 'ranker');

    await progressAtLeast(f.prefix, f.topics, 40_000, 240_000);
    await kill9(runningPid(kafkaProcess(layout))); // no shutdown: the broker recovers its logs at start
    await new Promise((r) => setTimeout(r, 3_000));
    startKafka(layout);
    await waitForKafka(layout);

    await progressAtLeast(f.prefix, f.topics, 90_000, 300_000);
    await stopProcess(registryProcess(layout)); // schemas come back from the kafkasql journal
    await new Promise((r) => setTimeout(r, 5_000));
    startRegistry(layout);
    await waitForRegistry(layout);

    await progressAtLeast(f.prefix, f.topics, 140_000, 300_000);
    await kill9(runningPid(redisProcess(layout))); // the AOF keeps what was fsynced (at most 1 s lost)
    await new Promise((r) => setTimeout(r, 1_000));
    startRedis(layout);
    await waitForRedis(layout);

    const figures = await verify(f, events);
    await closeServices();
    console.log(`broker kill -9 + registry restart + Redis kill -9: ${figures.aggregates} aggregates, ${figures.tierChanges} tier changes verified`);
  }, 1_500_000);

  it('librdkafka-partitioned, keyless and 10,000 malformed records among valid ones, with the partition count raised mid-run: each valid one applied once, every bad one dead-lettered with its reason', async () => {
    const f = await setup();
    // within 36 hours (less than the allowed lateness): a shard gets the records of its own
    // number straight from the transactions topic and the others' through the by-customer
    // topic, and how those interleave is not recorded, so no order may make an event late
    const events = generateTransactions({ count: 100_000, customers: 5_000, startMs: Date.UTC(2025, 0, 1), days: 1.5, seed: 13 });
    const rnd = prng(9);
    const kinds = ['random', 'magic', 'unknown-id', 'short', 'currency', 'future', 'empty-customer'] as const;
    // three producers: kafkajs (murmur2, with the malformed records), librdkafka keyed (its
    // consistent_random partitioner), librdkafka keyless
    const ours: Message[][] = [[], []];
    const keyed: FixtureEvent[][] = [[], []];
    const keyless: FixtureEvent[][] = [[], []];
    const expectedCodes = new Map<string, number>();
    const bump = (code: string) => expectedCodes.set(code, (expectedCodes.get(code) ?? 0) + 1);
    let bad = 0;
    events.forEach((e, i) => {
      const half = i < events.length / 2 ? 0 : 1;
      const lane = i % 3;
      if (lane === 1) return void keyed[half]!.push(e);
      if (lane === 2) return void keyless[half]!.push(e);
      const out = ours[half]!;
      out.push(toMessage(f.codec, f.txSchemaId, e));
      if (bad < 10_000 && rnd() < 0.3) {
        const kind = kinds[bad % kinds.length]!;
        const key = e.customerId;
        if (kind === 'random') { const v = randomBytes(30); v[0] = 9; out.push({ key, value: v }); bump('BAD_MAGIC_BYTE'); }
        if (kind === 'magic') { out.push({ key, value: Buffer.concat([Buffer.from([2]), randomBytes(20)]) }); bump('BAD_MAGIC_BYTE'); }
        if (kind === 'unknown-id') { out.push({ key, value: frame(2_000_000_000 + bad, randomBytes(10)) }); bump('UNKNOWN_SCHEMA_ID'); }
        if (kind === 'short') { out.push({ key, value: Buffer.from([0, 1]) }); bump('TOO_SHORT'); }
        if (kind === 'currency') { out.push(toMessage(f.codec, f.txSchemaId, { ...e, transactionId: `bad-${bad}`, currency: 'JPY' })); bump('CURRENCY_NOT_REPORTING'); }
        if (kind === 'future') { out.push(toMessage(f.codec, f.txSchemaId, { ...e, transactionId: `bad-${bad}`, occurredAt: Date.now() + 90 * 86_400_000 })); bump('OCCURRED_IN_FUTURE'); }
        if (kind === 'empty-customer') { out.push({ ...toMessage(f.codec, f.txSchemaId, { ...e, transactionId: `bad-${bad}`, customerId: '' }), key }); bump('MISSING_CUSTOMER_ID'); }
        bad++;
      }
    });
    while (bad < 10_000) { ours[1]!.push({ key: 'C000001', value: Buffer.from([0, 0]) }); bump('TOO_SHORT'); bad++; }
    await start(f, 'aggregator', { SOURCE_METADATA_MAX_AGE_SECONDS: '3' });
    await start(f, 'ranker');
    const produceHalf = (half: 0 | 1) => Promise.all([
      produce(kafka, f.topics.transactions, ours[half]!, 20_000),
      produceWithLibrdkafka({ brokers, topic: f.topics.transactions, schemaId: f.txSchemaId, compression: 'lz4', items: keyed[half]!.map((event) => ({ event, key: event.customerId, partition: null })) }),
      produceWithLibrdkafka({ brokers, topic: f.topics.transactions, schemaId: f.txSchemaId, compression: 'zstd', items: keyless[half]!.map((event) => ({ event, key: null, partition: null })) }),
    ]);
    await produceHalf(0);
    await progressAtLeast(f.prefix, f.topics, 20_000, 300_000);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createPartitions({ topicPartitions: [{ topic: f.topics.transactions, count: 9 }] });
    await admin.disconnect();
    await produceHalf(1);

    await verify(f, events);
    // the dead-letter topic is at least once for records the aggregator refuses (a
    // rebalance, here the partition count raised, may send a batch's again): one code per
    // source position, every bad record there, nothing else
    // (read until every source position is there: copies count once)
    const sourceOfDead = (m: { headers?: Parameters<typeof headerText>[0] }) =>
      ['topic', 'partition', 'offset'].map((h) => headerText(m.headers, `tierflow.dlq.source.${h}`)).join(':');
    const dlq = await readTopic(kafka, f.topics.transactionsDlq, (m) => new Set(m.map(sourceOfDead)).size >= 10_000, 120_000);
    const bySource = new Map<string, string>();
    for (const m of dlq) {
      const code = headerText(m.headers, 'tierflow.dlq.code')!;
      expect(headerText(m.headers, 'tierflow.dlq.reason')).toBeTruthy();
      const source = sourceOfDead(m);
      const prior = bySource.get(source);
      if (prior !== undefined) expect(code).toBe(prior); // a copy says the same
      bySource.set(source, code);
    }
    expect(bySource.size).toBe(10_000);
    const codes = new Map<string, number>();
    for (const code of bySource.values()) codes.set(code, (codes.get(code) ?? 0) + 1);
    expect(codes).toEqual(expectedCodes);
    await closeServices();
    console.log(`dead letters: ${bySource.size} records, ${dlq.length} copies`);
    expect(await topicEnd(kafka, f.topics.transactions)).toBeGreaterThan(0);
  }, 1_500_000);
});
