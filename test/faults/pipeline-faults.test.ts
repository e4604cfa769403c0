/**
 * npm run test:faults: the whole pipeline (aggregator -> ranker) under faults, on the real local
 * stack. Each scenario ends by comparing the final Redis state with an oracle computed from the
 * input (to the cent) and by checking that every expected tier change is on the topic (by
 * eventId, with the same content). Bounded and local only: every loop has a count and a deadline.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/shared/connection-config';
import { headerText } from '@tierflow/shared/dead-letter';
import { frame } from '@tierflow/shared/wire-format';
import { kafkaProcess, startKafka, waitForKafka } from '../../services/cli/src/stack/kafka-server';
import { stopProcess } from '../../services/cli/src/stack/process-control';
import { redisProcess, startRedis, waitForRedis } from '../../services/cli/src/stack/redis-server';
import { stackLayout } from '../../services/cli/src/stack/stack-layout';
import type { TierChange } from '../../services/ranker/src/tier-change';
import type { AggregateFields } from '../../services/ranker/src/ranking-basis';
import { oracleAggregates } from '../support/aggregate-oracle';
import { dropPrefix, pipelineFixture, readCustomers, toMessage, waitApplied, withPartitions, withoutSeq } from '../support/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka } from '../support/kafka-io';
import { decodeTopic, expectedTierChanges, waitRanked } from '../support/pipeline-harness';
import { startService, type ServiceProcess } from '../support/service-process';
import { generateTransactions, prng, type FixtureEvent } from '../support/transaction-fixtures';

const WINDOWS = { currentWindowDays: 30, rankingWindowDays: 90, allowedLatenessMs: 48 * 3_600_000 };
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl, { maxRetriesPerRequest: null });
redis.on('error', () => undefined); // the Redis-restart scenario drops this connection on purpose
const cleanups: (() => Promise<void>)[] = [];
const running = new Set<ServiceProcess>();

afterAll(async () => {
  for (const s of running) await s.kill9();
  for (const c of cleanups) await c().catch(() => undefined);
  redis.disconnect();
});

type Aggregate = AggregateFields & { customerId: string; seq: number; eventTime: number; eventId: string };

async function setup() {
  const f = await pipelineFixture(kafka);
  cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
  return f;
}

async function start(name: 'aggregator' | 'ranker', env: Record<string, string>): Promise<ServiceProcess> {
  const s = await startService(name, env);
  running.add(s);
  s.child.once('exit', () => running.delete(s));
  await s.ready();
  return s;
}

/** Final checks of every scenario: Redis vs the oracle, and the tier changes vs the expected ones. */
async function verify(f: Awaited<ReturnType<typeof setup>>, events: FixtureEvent[], rankerEnv: Record<string, string>) {
  await waitApplied(redis, f, kafka, 600_000);
  await waitRanked(redis, f.prefix, f.topics.aggregates, kafka, 600_000);
  const oracle = oracleAggregates(withPartitions(events), WINDOWS);
  expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);
  const aggregates = (await decodeTopic<Aggregate>(kafka, f.topics.aggregates, 'CustomerAggregate.avsc')).map((a) => a.value);
  const expected = expectedTierChanges(aggregates, rankerEnv);
  const published = new Map<string, TierChange>();
  for (const { value } of await decodeTopic<TierChange>(kafka, f.topics.tierChanges, 'TierChange.avsc')) {
    const prior = published.get(value.eventId);
    if (prior) expect(value).toEqual(prior); // a repeat is the same event
    published.set(value.eventId, value);
  }
  expect(expected.length).toBeGreaterThan(0);
  const missing = expected.filter((e) => !published.has(e.eventId));
  expect(missing.map((e) => e.eventId)).toEqual([]);
  for (const e of expected) expect(published.get(e.eventId)).toEqual(e);
  expect(published.size).toBe(expected.length); // nothing extra either
  return { aggregates: aggregates.length, tierChanges: expected.length };
}

/** Resolves once the aggregator has applied at least `n` records in total. */
async function progressAtLeast(prefix: string, topic: string, n: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let total = 0;
    for (let p = 0; p < 6; p++) total += Number((await redis.hget(`${prefix}{p${p}}:meta`, `off:${topic}:${p}`)) ?? -1) + 1;
    if (total >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no progress to ${n} records within ${timeoutMs / 1000}s`);
}

describe('pipeline faults', () => {
  it('kill -9 of the aggregator and the ranker at random moments, 6 times in a 500,000-transaction run', async () => {
    const f = await setup();
    const events = generateTransactions({ count: 500_000, customers: 20_000, startMs: Date.UTC(2025, 0, 1), days: 150, seed: 11, resendEvery: 83, lateEvery: 997 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
    const aggEnv = f.envFor('aggregator');
    const rankEnv = f.envFor('ranker');
    let aggregator = await start('aggregator', aggEnv);
    let ranker = await start('ranker', rankEnv);
    const rnd = prng(5);
    for (let kill = 0; kill < 6; kill++) {
      await progressAtLeast(f.prefix, f.topics.transactionsByCustomer, Math.floor(((kill + 1) / 8) * events.length) + Math.floor(rnd() * 20_000));
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 700)));
      if (kill % 2 === 0) {
        await aggregator.kill9();
        aggregator = await start('aggregator', aggEnv);
      } else {
        await ranker.kill9();
        ranker = await start('ranker', rankEnv);
      }
    }
    const figures = await verify(f, events, rankEnv);
    console.log(`kill -9 x6: ${events.length} transactions, ${figures.aggregates} aggregates, ${figures.tierChanges} tier changes verified`);
  }, 1_200_000);

  it('the Kafka broker stopped and restarted mid-run, then Redis killed and restarted from its AOF', async () => {
    const layout = stackLayout();
    const f = await setup();
    const events = generateTransactions({ count: 200_000, customers: 10_000, startMs: Date.UTC(2025, 0, 1), days: 120, seed: 12, resendEvery: 61 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
    const rankEnv = f.envFor('ranker');
    await start('aggregator', f.envFor('aggregator'));
    await start('ranker', rankEnv);

    await progressAtLeast(f.prefix, f.topics.transactionsByCustomer, 50_000);
    await stopProcess(kafkaProcess(layout)); // a clean broker stop, as an operator would
    await new Promise((r) => setTimeout(r, 3_000));
    startKafka(layout);
    await waitForKafka(layout);

    await progressAtLeast(f.prefix, f.topics.transactionsByCustomer, 120_000, 240_000);
    const pid = (await import('../../services/cli/src/stack/process-control')).runningPid(redisProcess(layout));
    if (pid) process.kill(pid, 'SIGKILL'); // no shutdown: the AOF keeps what was fsynced (at most 1 s lost)
    await new Promise((r) => setTimeout(r, 1_000));
    startRedis(layout);
    await waitForRedis(layout);

    const figures = await verify(f, events, rankEnv);
    console.log(`broker + Redis restart: ${figures.aggregates} aggregates, ${figures.tierChanges} tier changes verified`);
  }, 1_200_000);

  it('10,000 malformed records among valid ones: all dead-lettered with reasons, every valid one applied, no stall', async () => {
    const f = await setup();
    const events = generateTransactions({ count: 100_000, customers: 5_000, startMs: Date.UTC(2025, 0, 1), days: 90, seed: 13 });
    const rnd = prng(9);
    const kinds = ['random', 'magic', 'unknown-id', 'short', 'currency', 'future', 'empty-customer'] as const;
    const messages = [];
    const expectedCodes = new Map<string, number>();
    const bump = (code: string) => expectedCodes.set(code, (expectedCodes.get(code) ?? 0) + 1);
    let bad = 0;
    for (const e of events) {
      messages.push(toMessage(f.codec, f.txSchemaId, e));
      if (bad < 10_000 && rnd() < 0.1) {
        const kind = kinds[bad % kinds.length]!;
        const key = e.customerId;
        if (kind === 'random') { const v = randomBytes(30); v[0] = 9; messages.push({ key, value: v }); bump('BAD_MAGIC_BYTE'); }
        if (kind === 'magic') { messages.push({ key, value: Buffer.concat([Buffer.from([2]), randomBytes(20)]) }); bump('BAD_MAGIC_BYTE'); }
        if (kind === 'unknown-id') { messages.push({ key, value: frame(2_000_000_000 + bad, randomBytes(10)) }); bump('UNKNOWN_SCHEMA_ID'); }
        if (kind === 'short') { messages.push({ key, value: Buffer.from([0, 1]) }); bump('TOO_SHORT'); }
        if (kind === 'currency') { messages.push(toMessage(f.codec, f.txSchemaId, { ...e, transactionId: `bad-${bad}`, currency: 'JPY' })); bump('CURRENCY_NOT_REPORTING'); }
        if (kind === 'future') { messages.push(toMessage(f.codec, f.txSchemaId, { ...e, transactionId: `bad-${bad}`, occurredAt: Date.now() + 90 * 86_400_000 })); bump('OCCURRED_IN_FUTURE'); }
        if (kind === 'empty-customer') { messages.push({ ...toMessage(f.codec, f.txSchemaId, { ...e, transactionId: `bad-${bad}`, customerId: '' }), key }); bump('MISSING_CUSTOMER_ID'); }
        bad++;
      }
    }
    while (bad < 10_000) { messages.push({ key: 'C000001', value: Buffer.from([0, 0]) }); bump('TOO_SHORT'); bad++; }
    await produce(kafka, f.topics.transactions, messages, 20_000);
    const rankEnv = f.envFor('ranker');
    await start('aggregator', f.envFor('aggregator'));
    await start('ranker', rankEnv);
    await verify(f, events, rankEnv);
    const dlq = await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= 10_000, 120_000);
    expect(dlq).toHaveLength(10_000);
    const codes = new Map<string, number>();
    for (const m of dlq) {
      const code = headerText(m.headers, 'tierflow.dlq.code')!;
      expect(headerText(m.headers, 'tierflow.dlq.reason')).toBeTruthy();
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(codes).toEqual(expectedCodes);
  }, 1_200_000);
});
