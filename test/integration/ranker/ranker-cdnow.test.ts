import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { rankKeys } from '../../../shared/contracts/src/keyspace/ranker/rank-store-keys';
import { readScopeTiers } from '../../../shared/contracts/src/keyspace/ranker/rank-store-reader';
import { oracleAggregates } from '../../../tools/testkit/src/aggregate-oracle';
import { dropPrefix, pipelineFixture, toMessage, waitApplied, withPartitions } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, topicEnd, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import type { FixtureEvent } from '../../../tools/testkit/src/transaction-fixtures';

import { CDNOW_MASTER as CDNOW } from '../../support/shared-data';
const WINDOWS = { currentWindowDays: 30, rankingWindowDays: 90, allowedLatenessMs: 48 * 3_600_000 };
const REGIONS = ['emea', 'americas', 'apac'];
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const running: ServiceProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const s of running) await s.stop().catch(() => undefined);
  for (const c of cleanups) await c().catch(() => undefined);
  redis.disconnect();
});

/** The CDNOW purchases as billing charges in cents, in event-time order (read from the file, never copied). */
function cdnowEvents(): FixtureEvent[] {
  const perDay = new Map<string, number>();
  const out: FixtureEvent[] = [];
  for (const line of readFileSync(CDNOW, 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 4) continue;
    const [customer, date, cds, dollars] = f as [string, string, string, string];
    const key = `${customer}-${date}`;
    const n = perDay.get(key) ?? 0;
    perDay.set(key, n + 1);
    const day = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
    out.push({
      transactionId: `cdnow-${key}-${n}`,
      customerId: `cdnow-${customer}`,
      occurredAt: day + 12 * 3_600_000 + n * 60_000,
      kind: 'CHARGE',
      amountMinor: Math.round(Number(dollars) * 100),
      costMinor: 0,
      currency: 'USD',
      product: `cds:${cds}`,
    });
  }
  return out.sort((a, b) => a.occurredAt - b.occurredAt || (a.transactionId < b.transactionId ? -1 : 1));
}

/** Plain sort-and-sum tiers (share mode 0.80 / 0.95) for every scope: `scope|customerId` -> tier. */
function expectedTiers(basis: Map<string, number>, regionOf: (id: string) => string): Map<string, string> {
  const scopes = new Map<string, Array<[string, number]>>();
  for (const [id, b] of basis) {
    for (const s of ['global', `region:${regionOf(id)}`]) {
      const list = scopes.get(s) ?? [];
      list.push([id, b]);
      scopes.set(s, list);
    }
  }
  const out = new Map<string, string>();
  for (const [scope, list] of scopes) {
    list.sort(([i1, b1], [i2, b2]) => (b1 !== b2 ? b2 - b1 : i1 < i2 ? -1 : 1));
    const total = list.reduce((s, [, b]) => s + Math.max(0, b), 0);
    let cum = 0;
    for (const [id, b] of list) {
      out.set(`${scope}|${id}`, b > 0 && cum < 0.8 * total ? 'A' : b > 0 && cum < 0.95 * total ? 'B' : 'C');
      cum += Math.max(0, b);
    }
  }
  return out;
}

async function storedTiers(prefix: string): Promise<Map<string, string>> {
  const k = rankKeys(prefix);
  const out = new Map<string, string>();
  for (const scope of await redis.smembers(k.scopes)) {
    for (const [id, t] of await readScopeTiers(redis, prefix, scope)) out.set(`${scope}|${id}`, t.raw);
  }
  return out;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // the shared Redis can answer BUSY while another test's script runs: ask again
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('CDNOW through the aggregator and the ranker on the real stack', () => {
  it('ends with every customer tiered as an independent sort-and-sum says (lifetime and 90-day window bases)', async () => {
    const events = cdnowEvents();
    expect(events.length).toBe(69_659);
    const lifetime = new Map<string, number>();
    for (const e of events) lifetime.set(e.customerId, (lifetime.get(e.customerId) ?? 0) + e.amountMinor);
    expect(lifetime.size).toBe(23_570);
    const windowed = new Map([...oracleAggregates(withPartitions(events), WINDOWS)].map(([id, c]) => [id, c.rankingRevenueMinor]));
    const regionOf = (id: string) => REGIONS[Number(id.slice(-2)) % 3] as string;

    const f = await pipelineFixture(kafka);
    const windowPrefix = `${f.prefix.slice(0, -1)}w:`;
    cleanups.push(
      () => deleteTopics(kafka, Object.values(f.topics)),
      () => dropPrefix(redis, f.prefix),
      () => dropPrefix(redis, windowPrefix),
    );
    // profiles (region scopes), under both rankers' prefixes
    for (const prefix of [f.prefix, windowPrefix]) {
      const pipe = redis.pipeline();
      for (const id of lifetime.keys()) pipe.hset(`${prefix}profile:${id}`, 'region', regionOf(id));
      await pipe.exec();
    }
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)));

    const start = async (name: string, env: Record<string, string>) => {
      const s = await startService(name, env);
      running.push(s);
      await s.ready();
      return s;
    };
    await start('aggregator', f.envFor('aggregator', { CURRENT_WINDOW_DAYS: '30', RANKING_WINDOW_DAYS: '90' }));
    await start('ranker', f.envFor('ranker-lifetime', { RANKING_BASIS: 'lifetime-revenue' }));
    await start('ranker', f.envFor('ranker-window', { REDIS_KEY_PREFIX: windowPrefix }));

    for (let tries = 0; ; tries++) {
      try {
        await waitApplied(redis, f, kafka, 600_000);
        break;
      } catch (err) {
        if (!/BUSY/.test((err as Error).message) || tries > 100) throw err; // a busy shared Redis: ask again
      }
    }
    let end = -1;
    const caughtUp = async (prefix: string) =>
      Number((await redis.hget(rankKeys(prefix).offsets, `${f.topics.aggregates}:0`)) ?? -1) === end - 1;
    await until(
      'both rankers to apply every aggregate',
      async () => {
        const now = await topicEnd(kafka, f.topics.aggregates);
        const stable = now === end;
        end = now;
        return stable && (await caughtUp(f.prefix)) && (await caughtUp(windowPrefix));
      },
      600_000,
    );

    for (const [name, prefix, basis] of [
      ['lifetime', f.prefix, lifetime],
      ['window', windowPrefix, windowed],
    ] as const) {
      const want = expectedTiers(basis, regionOf);
      const got = await storedTiers(prefix);
      const diff: string[] = [];
      for (const [key, tier] of want) if ((got.get(key) ?? 'C') !== tier) diff.push(`${key}: want ${tier}, got ${got.get(key)}`);
      for (const key of got.keys()) if (!want.has(key)) diff.push(`${key}: not a customer`);
      const counts = { A: 0, B: 0, C: 0 } as Record<string, number>;
      for (const [key, t] of want) if (key.startsWith('global|')) counts[t] = (counts[t] ?? 0) + 1;
      console.log(`cdnow ${name}: ${want.size} customer-scope tiers checked, global A/B/C = ${counts.A}/${counts.B}/${counts.C}, ${diff.length} differences`);
      expect(diff.slice(0, 20)).toEqual([]);
    }
  }, 900_000);
});
