import type { Redis } from 'ioredis';
import { beginRestore, decodeSnapshot, encodeSnapshot, snapshotOf, type CustomerSnapshot } from './engine-snapshot';
import { rankKeys, type RankKeys } from './rank-store-keys';
import type { TierChange } from './tier-change';
import type { DirtyEntry, TierEngine } from './tier-engine';
import { TIERS, type TierCode, type TierRules } from './tier-rules';

export class RankStoreError extends Error {
  constructor(
    readonly code: 'FENCED' | 'CONFIG_VERSION_MISMATCH',
    message: string,
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'RankStoreError';
  }
}

export interface BatchCommit {
  /** the offset this instance believes is stored (the fence); -1 for none */
  expectedOffset: number;
  /** the last offset of the batch, stored in the same MULTI */
  offset: number;
  /** handles of customers whose update was applied (seq, basis, region changed) */
  applied: Iterable<number>;
  dirty: DirtyEntry[];
  events: TierChange[];
  /** event time of the batch's last applied update, stamped on the summaries */
  eventTime: number;
  /** records that could not be used (JSON), kept for people to inspect */
  rejected?: string[];
}

/**
 * The ranker's Redis state. One MULTI per batch, guarded by WATCH on the offsets hash, writes
 * the new offset, the changed customers, ranks, tiers, summaries, history and the outbox:
 * a crash leaves either all of it or none. Needs a connection of its own (WATCH).
 */
export class RankStore {
  readonly keys: RankKeys;

  constructor(
    private readonly params: {
      redis: Redis;
      prefix: string;
      /** `<topic>:<partition>` of customer.aggregates */
      offsetField: string;
      historyLength: number;
      recentLength: number;
    },
  ) {
    this.keys = rankKeys(params.prefix);
  }

  async readOffset(): Promise<number> {
    const v = await this.params.redis.hget(this.keys.offsets, this.params.offsetField);
    return v === null ? -1 : Number(v);
  }

  /** Stamps the config version on first start; refuses to run state built under another one. */
  async checkConfig(version: string, config: unknown): Promise<void> {
    const { redis } = this.params;
    await redis.hsetnx(this.keys.meta, 'configVersion', version);
    await redis.hsetnx(this.keys.meta, 'config', JSON.stringify(config));
    const stored = await redis.hget(this.keys.meta, 'configVersion');
    if (stored !== version) {
      throw new RankStoreError(
        'CONFIG_VERSION_MISMATCH',
        `ranker state under ${this.params.prefix} was built with config ${stored}, this instance runs ${version}: ` +
          'use a new REDIS_KEY_PREFIX and replay customer.aggregates from the earliest offset',
      );
    }
  }

  /** Every stored customer, read with HSCAN. */
  async *snapshots(): AsyncGenerator<CustomerSnapshot[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.params.redis.hscan(this.keys.customers, cursor, 'COUNT', 10_000);
      cursor = next;
      const out: CustomerSnapshot[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push(decodeSnapshot(flat[i] as string, flat[i + 1] as string));
      yield out;
    } while (cursor !== '0');
  }

  /** Rebuilds a fresh engine from Redis; returns the stored offset it corresponds to. */
  async load(engine: TierEngine): Promise<number> {
    const offset = await this.readOffset();
    const restore = beginRestore(engine);
    let cursor = '0';
    do {
      const [next, flat] = await this.params.redis.hscan(this.keys.customers, cursor, 'COUNT', 20_000);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) restore.addEncoded(flat[i] as string, flat[i + 1] as string);
    } while (cursor !== '0');
    restore.finish();
    return offset;
  }

  async commit(engine: TierEngine, batch: BatchCommit): Promise<void> {
    const { redis, offsetField, historyLength, recentLength } = this.params;
    const k = this.keys;
    await redis.watch(k.offsets);
    const stored = await redis.hget(k.offsets, offsetField);
    if ((stored === null ? -1 : Number(stored)) !== batch.expectedOffset) {
      await redis.unwatch();
      throw new RankStoreError('FENCED', `stored offset ${stored} is not the expected ${batch.expectedOffset}: another instance wrote`);
    }
    const t = engine.customers;
    const m = redis.multi();
    m.hset(k.offsets, offsetField, String(batch.offset));
    if (batch.rejected && batch.rejected.length > 0) m.lpush(k.rejected, ...batch.rejected);
    const customers = new Set<number>(batch.applied);
    for (const d of batch.dirty) customers.add(d.handle);
    if (customers.size > 0) {
      const fields: string[] = [];
      for (const h of customers) fields.push(t.idOf(h), encodeSnapshot(snapshotOf(engine, h)));
      m.hset(k.customers, ...fields);
    }
    // one command per scope and kind, however many customers changed
    const perScope = new Map<string, { zadd: string[]; zrem: string[]; hset: string[]; hdel: string[] }>();
    for (const { scope, handle: h } of batch.dirty) {
      const id = t.idOf(h);
      let w = perScope.get(scope.name);
      if (!w) perScope.set(scope.name, (w = { zadd: [], zrem: [], hset: [], hdel: [] }));
      if (engine.isMember(scope, h)) {
        w.zadd.push(String(-(t.basis[h] as number)), id);
        w.hset.push(
          id,
          JSON.stringify({
            raw: TIERS[t.raw[scope.slot][h] as TierCode],
            published: TIERS[t.pub[scope.slot][h] as TierCode],
            publishedSince: Number.isFinite(t.pubAt[scope.slot][h]) ? t.pubAt[scope.slot][h] : null,
            basis: t.basis[h],
          }),
        );
      } else {
        w.zrem.push(id);
        w.hdel.push(id);
      }
    }
    for (const [name, w] of perScope) {
      if (w.zadd.length > 0) m.zadd(k.rank(name), ...w.zadd);
      if (w.hset.length > 0) m.hset(k.tier(name), ...w.hset);
      if (w.zrem.length > 0) m.zrem(k.rank(name), ...w.zrem);
      if (w.hdel.length > 0) m.hdel(k.tier(name), ...w.hdel);
    }
    const scopes = new Set(perScope.keys());
    if (scopes.size > 0) m.sadd(k.scopes, ...scopes);
    for (const name of scopes) {
      const scope = engine.findScope(name);
      if (scope) m.hset(k.summary(name), summaryFields(scope.summary(), engine.rules, engine.params.configVersion, batch));
    }
    if (batch.events.length > 0) {
      const json = batch.events.map((e) => JSON.stringify(e));
      m.rpush(k.outbox, ...json);
      const history = new Map<string, string[]>();
      const recent = new Map<string, string[]>();
      const push = (map: Map<string, string[]>, key: string, value: string) => {
        const list = map.get(key);
        if (list) list.push(value);
        else map.set(key, [value]);
      };
      batch.events.forEach((e, i) => {
        push(history, k.history(e.scope, e.customerId), json[i] as string);
        push(recent, k.recent(e.scope), json[i] as string);
      });
      for (const [key, items] of history) {
        m.lpush(key, ...items.slice(-historyLength));
        m.ltrim(key, 0, historyLength - 1);
      }
      for (const [key, items] of recent) {
        m.lpush(key, ...items.slice(-recentLength));
        m.ltrim(key, 0, recentLength - 1);
      }
    }
    const res = await m.exec();
    if (res === null) throw new RankStoreError('FENCED', 'offsets changed during the commit: another instance wrote');
    const failed = res.find(([err]) => err);
    if (failed) throw failed[0] as Error;
  }

  /** Deletes every key under this prefix's {rk} tag (tests, benchmarks). */
  async destroy(): Promise<void> {
    const { redis, prefix } = this.params;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}{rk}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
}

function summaryFields(
  s: ReturnType<TierEngine['global']['summary']>,
  rules: TierRules,
  configVersion: string,
  batch: BatchCommit,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(s)) out[key] = v === null ? '' : String(v);
  out.tierMode = rules.mode;
  out.thresholdA = String(rules.thresholdA);
  out.thresholdB = String(rules.thresholdB);
  out.hysteresisMargin = String(rules.margin);
  out.minDwellMs = String(rules.minDwellMs);
  out.configVersion = configVersion;
  out.offset = String(batch.offset);
  out.eventTime = String(batch.eventTime);
  return out;
}
