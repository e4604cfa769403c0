import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { RankStore } from '../../../services/ranker/src/rank-store';
import {
  readCustomerRank,
  readRecentChanges,
  readScopes,
  readScopeTiers,
  readSummary,
  readTierHistory,
  readTop,
} from '../../../shared/contracts/src/keyspace/ranker/rank-store-reader';
import type { TierChange } from '../../../shared/contracts/src/events/event-types';
import { TierEngine } from '../../../shared/domain/src/ranking/tier-engine';
import type { RankUpdate } from '../../../shared/domain/src/ranking/rank-update';
import type { TierRules } from '../../../shared/domain/src/ranking/tier-rules';
import { TIERS } from '../../../shared/contracts/src/tier';
import { tierContextOf } from '../../../shared/contracts/src/keyspace/ranker/stored-tier-context';

const rules: TierRules = { mode: 'share', thresholdA: 0.8, thresholdB: 0.95, margin: 0.02, minDwellMs: 0 };
const engineOf = () => new TierEngine({ rules, configVersion: 'v-test' });

/** Deterministic updates: 300 customers in 3 regions, spend skewed, some declines to zero. */
function updates(n: number): RankUpdate[] {
  const out: RankUpdate[] = [];
  const seq = new Map<string, number>();
  let x = 7;
  const rnd = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) {
    const id = `cust-${String(Math.floor(300 * rnd() ** 2)).padStart(3, '0')}`;
    const s = (seq.get(id) ?? 0) + 1;
    seq.set(id, s);
    const basis = rnd() < 0.05 ? 0 : Math.floor(100_000 * rnd() ** 3);
    out.push({ customerId: id, seq: s, eventTime: 1_000 + i, basis, region: ['north', 'south', ''][id.length % 3 === 0 ? 0 : Number(id.slice(-1)) % 3] ?? null, causeEventId: `${id}:${s}` });
  }
  return out;
}

describe('RankStore on the real Redis', () => {
  const redis = new Redis(connectionConfig().redisUrl);
  const prefix = `t-rank-${randomUUID().slice(0, 8)}:`;
  const store = new RankStore({ redis, prefix, offsetField: 'aggregates:0', historyLength: 5, recentLength: 20 });

  beforeAll(async () => {
    await store.checkConfig('v-test', rules);
    await store.prepareContext(tierContextOf(rules, 'v-test')); // commits write the compact stored form
  });
  afterAll(async () => {
    await store.destroy();
    redis.disconnect();
  });

  it('commits batches atomically, rebuilds the same engine, and serves the readers', async () => {
    const engine = engineOf();
    const all = updates(3_000);
    const events: TierChange[] = [];
    let offset = -1;
    for (let i = 0; i < all.length; i += 250) {
      const batch = all.slice(i, i + 250);
      const applied: number[] = [];
      const out: TierChange[] = [];
      for (const u of batch) {
        const ev = engine.apply(u);
        if (ev) {
          applied.push(engine.customers.handleOf(u.customerId) as number);
          out.push(...ev);
        }
      }
      await store.commit(engine, { expectedOffset: offset, offset: i + batch.length - 1, applied, dirty: engine.drainDirty(), events: out, eventTime: 0 });
      offset = i + batch.length - 1;
      events.push(...out);
    }
    expect(events.length).toBeGreaterThan(50);
    expect(await store.readOffset()).toBe(2_999);
    expect(await redis.llen(store.keys.outbox)).toBe(events.length);

    // a stale writer is fenced
    await expect(
      store.commit(engine, { expectedOffset: 10, offset: 3_500, applied: [], dirty: [], events: [], eventTime: 0 }),
    ).rejects.toMatchObject({ code: 'FENCED' });
    expect(await store.readOffset()).toBe(2_999);

    // the rebuilt engine equals the live one: every customer's rank and tiers in every scope;
    // a per-scope tier hash left by an earlier build is removed on the way
    await redis.hset(`${store.keys.base}tier:global`, 'cust-001', '{"raw":"A"}');
    const rebuilt = engineOf();
    expect(await store.load(rebuilt)).toBe(2_999);
    expect(await redis.exists(`${store.keys.base}tier:global`)).toBe(0);
    expect(rebuilt.scopes.map((s) => s.name).sort()).toEqual(engine.scopes.map((s) => s.name).sort());
    for (const scope of engine.scopes) {
      const other = rebuilt.findScope(scope.name);
      expect(other?.summary()).toEqual(scope.summary());
      for (const id of engine.customers.ids) expect([scope.name, id, rebuilt.view(scope.name, id)]).toEqual([scope.name, id, engine.view(scope.name, id)]);
    }

    // readers
    expect(await readScopes(redis, prefix)).toEqual(['global', 'region:north', 'region:south', 'region:unassigned']);
    const summary = await readSummary(redis, prefix, 'global');
    const live = engine.global.summary();
    expect(summary).toMatchObject({ population: live.population, countA: live.countA, totalBasisMinor: live.totalBasisMinor, tierMode: 'share', configVersion: 'v-test', offset: 2_999 });
    const top = await readTop(redis, prefix, 'global', 10);
    expect(top.map((t) => t.customerId)).toEqual(Array.from({ length: 10 }, (_, r) => engine.customers.idOf(engine.global.index.handleAt(r))));
    expect(top[0]).toMatchObject({ rank: 1, raw: 'A' });
    const someone = top[3]?.customerId as string;
    const v = engine.view('global', someone);
    expect(await readCustomerRank(redis, prefix, 'global', someone)).toMatchObject({
      rank: (v?.rank ?? 0) + 1,
      raw: TIERS[v?.raw ?? 2],
      published: TIERS[v?.published ?? 2],
      population: live.population,
    });
    expect(await readCustomerRank(redis, prefix, 'global', 'nobody')).toBeNull();
    // every scope's stored tiers are the engine's, members only
    for (const scope of engine.scopes) {
      const want = new Map<string, string>();
      for (const id of engine.customers.ids) {
        const view = engine.view(scope.name, id);
        if (view) want.set(id, `${TIERS[view.raw]}${TIERS[view.published]}`);
      }
      const stored = await readScopeTiers(redis, prefix, scope.name);
      expect(new Map([...stored].map(([id, t]) => [id, `${t.raw}${t.published}`]))).toEqual(want);
      const member = [...want.keys()][0] as string;
      expect(await readCustomerRank(redis, prefix, scope.name, member)).toMatchObject({ rank: (engine.view(scope.name, member)?.rank ?? 0) + 1 });
    }
    const northOnly = engine.customers.ids.find((id) => engine.view('region:north', id) !== null) as string;
    expect(await readCustomerRank(redis, prefix, 'region:south', northOnly)).toBeNull();
    const recent = await readRecentChanges(redis, prefix, 'global', 100);
    expect(recent.length).toBe(20);
    expect(recent[0]).toEqual(events.filter((e) => e.scope === 'global').at(-1));
    const mover = recent[0] as TierChange;
    const history = await readTierHistory(redis, prefix, 'global', mover.customerId);
    expect(history[0]).toEqual(mover);
    expect(history.length).toBeLessThanOrEqual(5);

    // and the next updates give the same changes in both
    for (const u of updates(3_400).slice(3_000)) expect(rebuilt.apply(u)).toEqual(engine.apply(u));
  });

  it('refuses state built under another config version', async () => {
    await expect(store.checkConfig('v-other', rules)).rejects.toMatchObject({ code: 'CONFIG_VERSION_MISMATCH' });
  });
});
