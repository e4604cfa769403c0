import type { Redis } from 'ioredis';
import { TierflowError } from '@tierflow/contracts/errors/tierflow-error';
import { FencedCommit } from '@tierflow/runtime/exactly-once/fenced-commit';
import { beginRestore, snapshotOf } from '@tierflow/domain/ranking/engine-snapshot';
import { decodeSnapshot, encodeSnapshot, type CustomerSnapshot } from '@tierflow/contracts/keyspace/ranker/customer-record';
import { rankKeys, type RankKeys } from '@tierflow/contracts/keyspace/ranker/rank-store-keys';
import { encodeStoredTierChange, impliedStoredTierChange } from '@tierflow/contracts/keyspace/ranker/stored-tier-change';
import { readStoredTierContext, TIER_CONTEXT_FIELD, type StoredTierContext } from '@tierflow/contracts/keyspace/ranker/stored-tier-context';
import type { TierChange } from '@tierflow/contracts/events/event-types';
import type { DirtyEntry, TierEngine } from '@tierflow/domain/ranking/tier-engine';
import type { TierRules } from '@tierflow/domain/ranking/tier-rules';

/** FENCED: another instance wrote (the writer stops); CONFIG_VERSION_MISMATCH: state built under another config. */
export class RankStoreError extends TierflowError<'FENCED' | 'CONFIG_VERSION_MISMATCH'> {
  constructor(code: 'FENCED' | 'CONFIG_VERSION_MISMATCH', message: string, retriable = false) {
    super(code === 'FENCED' ? 'fenced' : 'config', code, message, retriable);
    this.name = 'RankStoreError';
  }
}

export interface BatchCommit {
  /** the offset this instance believes is stored (the fence); -1 for none */
  expectedOffset: number;
  /** the last offset of the batch, stored in the same atomic script call */
  offset: number;
  /** handles of customers whose update was applied (seq, basis, region changed) */
  applied: Iterable<number>;
  dirty: DirtyEntry[];
  events: TierChange[];
  /** event time of the batch's last applied update, stamped on the summaries */
  eventTime: number;
}

/**
 * The ranker's Redis state. One fenced commit per chunk (the runtime's exactly-once
 * fenced-commit), guarded by a compare-and-set on the stored offset, writes the new offset, the changed customers, ranks,
 * tiers, summaries, history and the outbox: a crash leaves either all of it or none.
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
    await this.dropLegacyTierHashes();
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

  /**
   * Earlier builds of the ranker also kept a hash per scope (`tier:<scope>`, customerId -> JSON tiers)
   * that copied the customers hash; nothing writes or reads it any more. Removed at start so a
   * stale copy cannot mislead a reader.
   */
  private async dropLegacyTierHashes(): Promise<void> {
    const { redis } = this.params;
    const scopes = await redis.smembers(this.keys.scopes);
    if (scopes.length > 0) await redis.unlink(...scopes.map((s) => `${this.keys.base}tier:${s}`));
  }

  /**
   * Writes a chunk in one fenced commit (compare-and-set on the stored offset, then the writes,
   * then the new offset; one round trip). Returns the entries it appended to the outbox (stored TierChange, in order).
   */
  async commit(engine: TierEngine, batch: BatchCommit): Promise<string[]> {
    const { redis, offsetField, historyLength, recentLength } = this.params;
    const k = this.keys;
    const base = k.base;
    const rel = (key: string) => key.slice(base.length);
    const ctx = this.ctx;
    // each change once in its compact form (t2): the outbox and the recent lists take it by
    // number; the history takes its shorter form without scope and customer
    const json = batch.events.map((e) => encodeStoredTierChange(e, ctx));
    const w = new FencedCommit(k.offsets, base)
      .guardEquals('offset', rel(k.offsets), offsetField, batch.expectedOffset < 0 ? null : String(batch.expectedOffset))
      .payload(json);
    if (json.length > 0) {
      // each tier change crosses the wire once: the outbox and the lists take it by number
      const all: string[] = new Array(json.length);
      for (let i = 0; i < json.length; i++) all[i] = String(i + 1);
      w.add('ERPUSH', rel(k.outbox), all);
    }
    const t = engine.customers;
    const customers = new Set<number>(batch.applied);
    for (const d of batch.dirty) customers.add(d.handle);
    if (customers.size > 0) {
      const fields: string[] = [];
      for (const h of customers) fields.push(t.idOf(h), encodeSnapshot(snapshotOf(engine, h)));
      w.add('HSET', rel(k.customers), fields);
    }
    // one command per scope and kind, however many customers changed
    // a member's tiers per scope are read from its customers record (rank-store-reader.ts):
    // the ranks are the only per-scope copy
    const perScope = new Map<string, { zadd: string[]; zrem: string[] }>();
    for (const { scope, handle: h } of batch.dirty) {
      const id = t.idOf(h);
      let s = perScope.get(scope.name);
      if (!s) perScope.set(scope.name, (s = { zadd: [], zrem: [] }));
      if (engine.isMember(scope, h)) s.zadd.push(String(-t.basisOf(h)), id);
      else s.zrem.push(id);
    }
    for (const [name, s] of perScope) {
      if (s.zadd.length > 0) w.add('ZADD', rel(k.rank(name)), s.zadd);
      if (s.zrem.length > 0) w.add('ZREM', rel(k.rank(name)), s.zrem);
    }
    if (perScope.size > 0) w.add('SADD', rel(k.scopes), [...perScope.keys()]);
    for (const name of perScope.keys()) {
      const scope = engine.findScope(name);
      if (scope) w.add('HSET', rel(k.summary(name)), summaryFields(scope.summary(), engine.rules, engine.params.configVersion, batch));
    }
    if (json.length > 0) {
      // recent lists: entries by number (1-based), so each crosses the wire once; history: per
      // scope and customer, the chunk's changes newest first as lines, put in front in one HCAP
      const recent = new Map<string, string[]>();
      const history = new Map<string, Map<string, string>>();
      batch.events.forEach((e, i) => {
        const n = String(i + 1);
        const list = recent.get(e.scope);
        if (list) list.push(n);
        else recent.set(e.scope, [n]);
        let byCustomer = history.get(e.scope);
        if (!byCustomer) history.set(e.scope, (byCustomer = new Map()));
        const line = impliedStoredTierChange(json[i] as string);
        const before = byCustomer.get(e.customerId);
        byCustomer.set(e.customerId, before === undefined ? line : `${line}\n${before}`);
      });
      for (const [scope, byCustomer] of history) {
        const args = [String(historyLength)];
        for (const [id, lines] of byCustomer) args.push(id, lines);
        w.add('HCAP', rel(k.history(scope)), args);
      }
      for (const [scope, items] of recent) w.add('ECAP', rel(k.recent(scope)), [String(recentLength), ...items.slice(-recentLength)]);
    }
    w.fence(rel(k.offsets), offsetField, String(batch.offset));
    const out = await w.run(redis);
    if (!out.committed) {
      throw new RankStoreError('FENCED', `stored offset ${out.stored ?? 'none'} is not the expected ${batch.expectedOffset}: another instance wrote`);
    }
    return json;
  }

  /** the context commits write the compact form with; null (until prepareContext, or another one stored): t1 */
  private ctx: StoredTierContext | null = null;

  /**
   * Stores this instance's context (the rules and config version the compact stored form leaves
   * out) in the meta hash unless one is stored, before any commit: the first one stored stays,
   * and is the one every compact entry under the prefix was written with. Commits write the
   * compact form only when this instance's context is the stored one (else t1). Returns the
   * stored context: the one to read compact entries with (the outbox's included).
   */
  async prepareContext(own: StoredTierContext): Promise<StoredTierContext> {
    const { redis } = this.params;
    await redis.hsetnx(this.keys.meta, TIER_CONTEXT_FIELD, JSON.stringify(own));
    const stored = await readStoredTierContext(redis, this.params.prefix);
    if (!stored) throw new RankStoreError('CONFIG_VERSION_MISMATCH', `unreadable ${TIER_CONTEXT_FIELD} in ${this.keys.meta}`);
    this.ctx = JSON.stringify(stored) === JSON.stringify(own) ? own : null;
    return stored;
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
): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(s)) out.push(key, v === null ? '' : String(v));
  out.push('tierMode', rules.mode, 'thresholdA', String(rules.thresholdA), 'thresholdB', String(rules.thresholdB));
  out.push('hysteresisMargin', String(rules.margin), 'minDwellMs', String(rules.minDwellMs), 'configVersion', configVersion);
  out.push('offset', String(batch.offset), 'eventTime', String(batch.eventTime));
  return out;
}
