import { Redis } from 'ioredis';
import { Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import type { TierChange } from '../../../shared/contracts/src/events/event-types';
import { TierEngine } from '../../../shared/domain/src/ranking/tier-engine';
import type { TierRules } from '../../../shared/domain/src/ranking/tier-rules';
import { rankKeys } from '../../../shared/contracts/src/keyspace/ranker/rank-store-keys';
import { readScopeTiers } from '../../../shared/contracts/src/keyspace/ranker/rank-store-reader';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { dropPrefix } from '../../../tools/testkit/src/aggregator-harness';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { TierOracle } from '../../unit/ranker/tier-oracle';
import { aggregateStream, rankerFixture, windowUpdate } from '../../../tools/testkit/src/ranker-fixture';

const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const started: ServiceProcess[] = [];
const cleanup: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
  for (const c of cleanup) await c().catch(() => undefined);
  redis.disconnect();
});

async function appliedCount(s: ServiceProcess): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text(), () => '');
  const m = /^tierflow_ranker_aggregates_applied_total (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // the shared Redis can answer BUSY while another test's script runs: ask again
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ranker failover', () => {
  it('kill -9 of the active ranker mid-stream: the standby continues, no tier change lost or altered', async () => {
    const f = await rankerFixture(kafka);
    cleanup.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const rules: TierRules = { mode: 'share', thresholdA: 0.8, thresholdB: 0.95, margin: 0.02, minDwellMs: 0 };
    const env = f.env({ HYSTERESIS_MARGIN: '0.02' });

    const stream = aggregateStream({ count: 6_000, customers: 300, seed: 42 });
    const regions = new Map<string, string | null>();
    for (const a of stream) regions.set(a.customerId, ['north', 'south', null][Number(a.customerId.slice(-1)) % 3] ?? null);
    for (const [id, region] of regions) if (region) await redis.hset(`${f.prefix}profile:${id}`, 'region', region);

    // the reference: the same engine in process, and the brute-force oracle for from/to
    const reference = new TierEngine({ rules, configVersion: 'ref' });
    const oracle = new TierOracle(rules);
    const expected = new Map<string, TierChange>();
    for (const [offset, a] of stream.entries()) {
      // the topic is new and written in stream order: an aggregate's offset is its index
      const u = { ...windowUpdate(a, regions.get(a.customerId) ?? null), causeOffset: offset };
      const got = reference.apply(u) ?? [];
      const want = oracle.apply(u) ?? [];
      expect(got.map((e) => `${e.scope}|${e.customerId}|${e.fromTier}>${e.toTier}`).sort()).toEqual(
        want.map((c) => `${c.scope}|${c.customerId}|${c.from}>${c.to}`).sort(),
      );
      for (const e of got) expected.set(e.eventId, e);
    }
    expect(expected.size).toBeGreaterThan(300);

    const thirds = [stream.slice(0, 2_000), stream.slice(2_000, 4_000), stream.slice(4_000)];
    await produce(kafka, f.topics.aggregates, thirds[0]!.map(f.toMessage));
    const a = await startService('ranker', env);
    started.push(a);
    await a.ready();
    const keys = rankKeys(f.prefix);
    const offset = async () => Number((await redis.hget(keys.offsets, `${f.topics.aggregates}:0`)) ?? -1);
    await until('first third applied', async () => (await offset()) >= 1_999);
    const b = await startService('ranker', env);
    started.push(b);
    await b.ready();
    await new Promise((r) => setTimeout(r, 3_000)); // let the group settle with both members

    // produce the second third in small sends and kill -9 whichever instance is applying
    const before = [await appliedCount(a), await appliedCount(b)];
    const second = thirds[1]!;
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const producing = (async () => {
      for (let i = 0; i < second.length; i += 10) {
        await producer.send({ topic: f.topics.aggregates, acks: -1, messages: second.slice(i, i + 10).map(f.toMessage) });
        await new Promise((r) => setTimeout(r, 20));
      }
      await producer.disconnect();
    })();
    await until('the active instance to apply part of the second third', async () => (await offset()) >= 2_300);
    const after = [await appliedCount(a), await appliedCount(b)];
    const active = (after[0] ?? 0) - (before[0] ?? 0) >= (after[1] ?? 0) - (before[1] ?? 0) ? a : b;
    const standby = active === a ? b : a;
    const killedAt = await offset();
    await active.kill9();
    await producing;
    expect(killedAt).toBeLessThan(3_999);

    await produce(kafka, f.topics.aggregates, thirds[2]!.map(f.toMessage));
    await until('the standby to apply everything', async () => (await offset()) === stream.length - 1, 120_000);
    await until('the outbox to drain', async () => (await redis.llen(keys.outbox)) === 0);
    expect(await appliedCount(standby)).toBeGreaterThan(0);

    // every expected event arrived, each eventId always with the same content, nothing else
    const messages = await readTopic(kafka, f.topics.tierChanges, (ms) => new Set(ms.map((m) => m.headers?.eventId?.toString())).size >= expected.size, 90_000);
    const seen = new Map<string, TierChange>();
    let duplicates = 0;
    for (const m of messages) {
      const e = await f.codec.decode<TierChange>(m.value);
      const prior = seen.get(e.eventId);
      if (prior) {
        duplicates++;
        expect(e).toEqual(prior);
      }
      seen.set(e.eventId, e);
    }
    expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
    // and in the reference order (first occurrences): the same sequence as a replay from offset 0
    expect([...seen.keys()]).toEqual([...expected.keys()]);
    for (const [id, e] of seen) expect({ ...e, configVersion: 'ref' }).toEqual({ ...expected.get(id) });
    console.log(`failover: ${expected.size} tier changes, ${messages.length} messages (${duplicates} duplicates), killed at offset ${killedAt}`);

    // the final tiers in Redis equal the reference, in every scope
    for (const scope of reference.scopes) {
      const stored = await readScopeTiers(redis, f.prefix, scope.name);
      const want: Record<string, string> = {};
      for (const id of reference.customers.ids) {
        const v = reference.view(scope.name, id);
        if (v) want[id] = `${'ABC'[v.raw]}${'ABC'[v.published]}`;
      }
      const got = Object.fromEntries([...stored].map(([id, t]) => [id, `${t.raw}${t.published}`]));
      expect(got).toEqual(want);
    }
  });
});
