/**
 * Producers that are not ours, into one billing.transactions topic: librdkafka (Debian's
 * python3-confluent-kafka, its default consistent_random partitioner) with lz4, zstd, snappy
 * and gzip batches; `kcat -k` with zstd; keyless records; records sent to an explicit partition
 * that murmur2 would not pick; and the topic's partition count raised from 6 to 9 while the
 * pipeline runs. Values are encoded by Debian's python3-avro. Every customer must end with
 * exactly one state, equal to an oracle to the cent, visible through the CLI and the dashboard
 * API, and ranked once in the right order. A bill run resent 40 days later counts once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { oracleAggregates, type OracleCustomer } from '../../../tools/testkit/src/aggregate-oracle';
import { customerShards, dropPrefix, PARTITIONS, pipelineFixture, readCustomers, waitApplied, withPartitions, withoutSeq } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, readTopic, testKafka, topicEnd } from '../../../tools/testkit/src/kafka-io';
import { waitRanked } from '../../../tools/testkit/src/pipeline-harness';
import { freePort } from '../../../tools/testkit/src/free-port';
import { produceWithLibrdkafka, runPythonProducer, TRANSACTION_SCHEMA, type Routed } from '../../support/librdkafka-producer';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { generateTransactions, type FixtureEvent } from '../../../tools/testkit/src/transaction-fixtures';
import { runCli, topicEnv } from '../cli/cli-process';

const run = promisify(execFile);
const WINDOWS = { currentWindowDays: 30, rankingWindowDays: 90, allowedLatenessMs: 48 * 3_600_000 };
const DAY = 86_400_000;
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const broker = connectionConfig().kafkaBrokers.join(',');
const cleanups: (() => Promise<void>)[] = [];
const running: ServiceProcess[] = [];

afterAll(async () => {
  for (const s of running) await s.kill9();
  for (const c of cleanups) await c().catch(() => undefined);
  redis.disconnect();
});

/** `kcat -P -k <customer> -z zstd`, one framed value per file, in order. */
async function kcat(topic: string, schemaId: number, events: FixtureEvent[]): Promise<void> {
  const byCustomer = new Map<string, FixtureEvent[]>();
  for (const e of events) byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), e]);
  for (const [customerId, list] of byCustomer) {
    const dir = mkdtempSync(path.join(tmpdir(), 'tf-kcat-'));
    try {
      await runPythonProducer(['files', dir, TRANSACTION_SCHEMA, String(schemaId)], list.map((event) => ({ event, key: null, partition: null })));
      const files = readdirSync(dir).sort().map((f) => path.join(dir, f));
      await run('kcat', ['-P', '-b', broker, '-t', topic, '-k', customerId, '-z', 'zstd', ...files]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * One phase of billing: events spread over five producers. Within a phase event times span
 * 36 hours (less than the allowed lateness), so no interleaving of the producers makes an event
 * late; phases are 20 days apart, so the windows move.
 */
async function producePhase(topic: string, schemaId: number, events: FixtureEvent[], partitions: number): Promise<void> {
  const lz4: Routed[] = [];
  const keyless: Routed[] = [];
  const explicit: Routed[] = [];
  const gzip: Routed[] = [];
  const viaKcat: FixtureEvent[] = [];
  events.forEach((event, i) => {
    const kcatCustomer = /^C0000[1-2]\d$/.test(event.customerId); // C000010..C000029
    if (kcatCustomer && i % 2 === 0) return void viaKcat.push(event);
    const lane = i % 4;
    if (lane === 0) lz4.push({ event, key: event.customerId, partition: null });
    if (lane === 1) keyless.push({ event, key: null, partition: null });
    // a partition murmur2 would never pick for this key
    if (lane === 2) explicit.push({ event, key: event.customerId, partition: (partitionOfKey(event.customerId, partitions) + 1) % partitions });
    if (lane === 3) gzip.push({ event, key: event.customerId, partition: null });
  });
  const lane = (compression: string, items: Routed[]) => produceWithLibrdkafka({ brokers: broker, topic, schemaId, compression, items });
  await Promise.all([lane('lz4', lz4), lane('zstd', keyless), lane('snappy', explicit), lane('gzip', gzip), kcat(topic, schemaId, viaKcat)]);
}

describe('real producers, any partitioning', () => {
  it('librdkafka (lz4, zstd, snappy, gzip), kcat -k (zstd), keyless, explicit partitions and a raised partition count give one exact state per customer', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const aggregator = await startService('aggregator', f.envFor('aggregator', { SOURCE_METADATA_MAX_AGE_SECONDS: '2' }));
    running.push(aggregator);
    const rankEnv = f.envFor('ranker');
    const ranker = await startService('ranker', rankEnv);
    running.push(ranker);
    await Promise.all([aggregator.ready(), ranker.ready()]);

    const all: FixtureEvent[] = [];
    const conflicting: FixtureEvent[] = [];
    const start = Date.UTC(2025, 2, 1);
    for (const [phase, day] of [0, 20, 40].entries()) {
      if (phase === 2) {
        // more partitions while the pipeline runs: new records land on 6, 7 and 8 too
        const admin = kafka.admin();
        await admin.connect();
        await admin.createPartitions({ topicPartitions: [{ topic: f.topics.transactions, count: 9 }] });
        await admin.disconnect();
      }
      const events = generateTransactions({ count: 3_000, customers: 300, startMs: start + day * DAY, days: 1.5, seed: 40 + phase, resendEvery: 37 });
      if (phase === 2) {
        // the first phase's bill run again 40 days later: identical resends are skipped, resends
        // with other content are refused; neither counts twice
        const first = all.filter((e) => e.kind === 'CHARGE').slice(0, 120);
        events.push(...first.slice(0, 100).map((e) => ({ ...e })));
        conflicting.push(...first.slice(100).map((e) => ({ ...e, amountMinor: e.amountMinor + 1 })));
        events.push(...conflicting);
      }
      await producePhase(f.topics.transactions, f.txSchemaId, events, phase === 2 ? 9 : 6);
      all.push(...events);
      await waitApplied(redis, f, kafka, 180_000);
    }
    // the producers really spread the records: all nine partitions hold some
    const admin = kafka.admin();
    await admin.connect();
    const extent = await admin.fetchTopicOffsets(f.topics.transactions);
    await admin.disconnect();
    expect(extent).toHaveLength(9);
    for (const p of extent) expect(Number(p.high), `partition ${p.partition}`).toBeGreaterThan(0);
    // nothing refused but the conflicting resends
    const dlq = await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= conflicting.length);
    expect(dlq.map((m) => headerText(m.headers, 'tierflow.dlq.code'))).toEqual(conflicting.map(() => 'CONFLICTING_TRANSACTION_ID'));
    expect(await topicEnd(kafka, f.topics.transactionsDlq)).toBe(conflicting.length);

    // one state per customer, in its shard, equal to the oracle to the cent
    const oracle = oracleAggregates(withPartitions(all), WINDOWS);
    const keys = await customerShards(redis, f.prefix);
    expect([...keys.keys()].sort()).toEqual([...oracle.keys()].sort());
    for (const [id, shards] of keys) expect(shards, id).toEqual([partitionOfKey(id, PARTITIONS)]);
    expect(withoutSeq(await readCustomers(redis, f.prefix, [...oracle.keys()]))).toEqual(oracle);

    // ranked once each, in the order a plain sort of the oracle gives (ranking revenue desc, then id)
    await waitRanked(redis, f.prefix, f.topics.aggregates, kafka);
    const ranked = await redis.zrange(`${f.prefix}{rk}:rank:global`, 0, -1);
    const byBasis = [...oracle].filter(([, c]) => c.rankingRevenueMinor > 0)
      .sort(([a, x], [b, y]) => y.rankingRevenueMinor - x.rankingRevenueMinor || (a < b ? -1 : 1)).map(([id]) => id);
    expect(new Set(ranked).size).toBe(ranked.length);
    expect(ranked.slice(0, byBasis.length)).toEqual(byBasis);

    // visible through the CLI and the dashboard API
    const sample = ['C000000', 'C000015', 'C000150'].filter((id) => oracle.has(id));
    expect(sample.length).toBeGreaterThan(1);
    const env = { ...topicEnv(f.topics), REDIS_KEY_PREFIX: f.prefix };
    const port = await freePort();
    const dashboard = await startService('dashboard', { ...env, DASHBOARD_PORT: String(port) });
    running.push(dashboard);
    for (const id of sample) {
      const want: OracleCustomer = oracle.get(id)!;
      const card = await runCli(['card', id, '--json'], env);
      expect(card.code, card.stderr).toBe(0);
      expect(card.stdout).toContain(`"revenueMinor": ${want.revenueMinor}`);
      let api: Response | null = null;
      for (let i = 0; i < 100 && api?.status !== 200; i++) {
        api = await fetch(`http://127.0.0.1:${port}/api/customers/${id}`).catch(() => null);
        if (api?.status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(api?.status).toBe(200);
      expect(JSON.stringify(await api!.json())).toContain(`"revenueMinor":${want.revenueMinor}`);
    }
  }, 600_000);
});
