import type { Redis } from 'ioredis';
import { TransientError } from '@tierflow/contracts/errors/tierflow-error';
import { FencedCommit } from '@tierflow/runtime/exactly-once/fenced-commit';
import { churnKeys, offsetField, versionKey, type ChurnKeys } from '@tierflow/contracts/keyspace/churn-watch/churn-keys';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';
import type { TierRecord } from '@tierflow/domain/churn/batch-planner';
import type { ChurnRiskEvent } from '@tierflow/contracts/events/event-types';
import type { CustomerChurnState } from '@tierflow/contracts/keyspace/churn-watch/churn-state';
import { decodeChurnState, encodeChurnState } from '@tierflow/contracts/keyspace/churn-watch/churn-state-codec';


/** customers whose version key is remembered (about 60 bytes each) */
const VERSION_KEY_CACHE = 500_000;

export type ApplyResult = 'applied' | 'skipped' | 'conflict';

export interface LoadedCustomers {
  states: Map<string, CustomerChurnState | null>;
  versions: Map<string, number>;
  satisfaction: Map<string, number | null>;
}

/** churn-watch's state in Redis: customer states, timers, watermark, offsets, outbox. */
export class ChurnStore {
  readonly keys: ChurnKeys;
  /** the store's client (the outbox sends from it) */
  readonly redis: Redis;
  /** every key starts with it: `<prefix>{cw}:` */
  private readonly base: string;

  constructor(private readonly params: { redis: Redis; prefix: string; recentMax: number }) {
    this.keys = churnKeys(params.prefix);
    this.redis = params.redis;
    this.base = this.keys.offsets.slice(0, -'offsets'.length);
  }

  /** customerId -> its version hash, since murmur2 through the partitioner is a cost per customer and read */
  private readonly versionKeys = new Map<string, string>();

  /** The version hash of a customer (its bucket's). */
  private versionKey(customerId: string): string {
    let key = this.versionKeys.get(customerId);
    if (key === undefined) {
      if (this.versionKeys.size >= VERSION_KEY_CACHE) this.versionKeys.clear();
      key = versionKey(this.keys, customerId);
      this.versionKeys.set(customerId, key);
    }
    return key;
  }

  /** The stored versions of these fields (`<id>` or `staged:<id>`) of these customers, in order: one HGET each, pipelined. */
  private async readVersions(customerIds: string[], field: (id: string) => string): Promise<Array<string | null>> {
    const pipe = this.redis.pipeline();
    for (const id of customerIds) pipe.hget(this.versionKey(id), field(id));
    const res = (await pipe.exec()) ?? [];
    return customerIds.map((_, i) => {
      const [err, v] = res[i] ?? [new Error('no reply'), null];
      if (err) throw new TransientError('REDIS_LOAD', err.message, { cause: err });
      return (v as string | null) ?? null;
    });
  }

  async appliedOffset(topic: string, partition: number): Promise<bigint | null> {
    const v = await this.redis.hget(this.keys.offsets, offsetField(topic, partition));
    return v === null ? null : BigInt(v);
  }

  async watermark(): Promise<number> {
    return Number((await this.redis.hget(this.keys.meta, 'watermark')) ?? 0);
  }

  /** Timers due at or before `until`, earliest first. */
  async dueTimers(until: number, limit = 10_000): Promise<Array<{ customerId: string; dueAt: number }>> {
    const flat = await this.redis.zrangebyscore(this.keys.timers, '-inf', until, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: Array<{ customerId: string; dueAt: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ customerId: flat[i]!, dueAt: Number(flat[i + 1]) });
    return out;
  }

  /** States, versions and profile satisfaction of the given customers, in one round trip. */
  async load(customerIds: string[]): Promise<LoadedCustomers> {
    const out: LoadedCustomers = { states: new Map(), versions: new Map(), satisfaction: new Map() };
    if (customerIds.length === 0) return out;
    const pipe = this.redis.pipeline();
    pipe.hmget(this.keys.state, ...customerIds);
    for (const id of customerIds) pipe.hget(profileKey(this.params.prefix, id), 'satisfactionScore');
    for (const id of customerIds) pipe.hget(this.versionKey(id), id);
    const res = await pipe.exec();
    if (!res) throw new TransientError('REDIS_PIPELINE', 'redis pipeline returned nothing');
    for (const [err] of res) if (err) throw new TransientError('REDIS_LOAD', err.message, { cause: err });
    const states = res[0]![1] as Array<string | null>;
    const count = customerIds.length;
    customerIds.forEach((id, i) => {
      const s = states[i];
      out.states.set(id, s ? decodeChurnState(id, s) : null);
      out.versions.set(id, Number((res[1 + count + i]![1] as string | null) ?? 0));
      const sat = res[1 + i]![1] as string | null;
      const n = sat === null ? NaN : Number(sat);
      out.satisfaction.set(id, Number.isFinite(n) ? n : null);
    });
    return out;
  }

  /**
   * Tier changes staged under these customers (waiting for their cause aggregate), and the
   * versions a plan may guard: those of customers with staged changes and of `mayStage` (the
   * causes of the batch's tier changes, under which the plan may stage). A customer with none
   * and not in `mayStage` keeps its staged entry untouched, so its version is not read; it is
   * in `absent`, and the commit checks that it still has none (another instance may stage
   * under it meanwhile: the plan, which releases nothing for it, is then a conflict).
   */
  async loadStaged(customerIds: string[], mayStage: ReadonlySet<string>): Promise<{ staged: Map<string, TierRecord[]>; versions: Map<string, number>; absent: string[] }> {
    const staged = new Map<string, TierRecord[]>();
    const versions = new Map<string, number>();
    if (customerIds.length === 0) return { staged, versions, absent: [] };
    const rows = await this.redis.hmget(this.keys.staged, ...customerIds);
    const guarded = customerIds.filter((id, i) => rows[i] || mayStage.has(id));
    const vers = guarded.length > 0 ? await this.readVersions(guarded, (id) => `staged:${id}`) : [];
    customerIds.forEach((id, i) => {
      const row = rows[i];
      if (row) staged.set(id, JSON.parse(row) as TierRecord[]);
    });
    guarded.forEach((id, i) => versions.set(id, Number(vers[i] ?? 0)));
    const absent = customerIds.filter((id, i) => !rows[i] && !mayStage.has(id));
    return { staged, versions, absent };
  }

  /**
   * The atomic step, one fenced commit: the offset fence (a batch at or below the recorded
   * offset is skipped), the version guards of every customer and staged entry the plan read
   * (a moved one is a conflict: re-read and re-plan): the customers it changes, the staged
   * entries it changes and the causes it staged under (it read their seq: staged under a cause
   * another instance has just applied, a change would wait for the cause's next aggregate),
   * the staged entries it found absent still absent; then states, versions, timers, staged
   * tier changes, the watermark (kept when higher), the outbox and recent list, the offset.
   */
  async apply(params: {
    topic: string | null;
    partition: number;
    lastOffset: string;
    watermark: number;
    states: Map<string, CustomerChurnState>;
    versions: Map<string, number>;
    staged: Map<string, TierRecord[]>;
    stagedVersions: Map<string, number>;
    /** customers the plan found with no staged entry and did not guard by version */
    stagedAbsent?: readonly string[];
    events: ChurnRiskEvent[];
  }): Promise<ApplyResult> {
    const k = this.keys;
    const c = new FencedCommit(k.offsets, this.base);
    const rel = (key: string) => c.relative(key);
    const field = params.topic === null ? null : offsetField(params.topic, params.partition);
    if (field !== null) c.guardBelow('offset', rel(k.offsets), field, params.lastOffset);
    // a version the plan read as 0 is an absent field (versions only grow from 1)
    const ver = (v: number | undefined) => (v === undefined || v === 0 ? null : String(v));
    for (const id of params.states.keys()) c.guardEquals('version', rel(this.versionKey(id)), id, ver(params.versions.get(id)));
    for (const id of params.staged.keys()) {
      c.guardEquals('version', rel(this.versionKey(id)), `staged:${id}`, ver(params.stagedVersions.get(id)));
      if (!params.states.has(id)) c.guardEquals('version', rel(this.versionKey(id)), id, ver(params.versions.get(id)));
    }
    for (const id of params.stagedAbsent ?? []) c.guardEquals('version', rel(k.staged), id, null);
    // version bumps, one HINCRBY command per bucket
    const bumps = new Map<string, string[]>();
    const bump = (id: string, field: string) => {
      const key = this.versionKey(id);
      const list = bumps.get(key);
      if (list) list.push(field, '1');
      else bumps.set(key, [field, '1']);
    };
    const states: string[] = [];
    const timers: string[] = [];
    const noTimer: string[] = [];
    for (const [id, state] of params.states) {
      states.push(id, encodeChurnState(state));
      bump(id, id);
      const due = state.timerDueAt ?? -1;
      if (due < 0) noTimer.push(id);
      else timers.push(String(due), id);
    }
    const stagedSet: string[] = [];
    const stagedDel: string[] = [];
    for (const [id, list] of params.staged) {
      bump(id, `staged:${id}`);
      if (list.length === 0) stagedDel.push(id);
      else stagedSet.push(id, JSON.stringify(list));
    }
    c.add('HSET', rel(k.state), states);
    for (const [key, fields] of bumps) c.add('HINCRBY', rel(key), fields);
    c.add('ZREM', rel(k.timers), noTimer).add('ZADD', rel(k.timers), timers);
    c.add('HDEL', rel(k.staged), stagedDel).add('HSET', rel(k.staged), stagedSet);
    c.add('HMAX', rel(k.meta), ['watermark', String(params.watermark)]);
    if (params.events.length > 0) {
      const entries = params.events.map((e) => JSON.stringify(e));
      const numbers = entries.map((_, i) => String(i + 1));
      // the recent list keeps the newest recentMax: only those are pushed (a replay's batch may have thousands)
      const newest = numbers.length > this.params.recentMax ? numbers.slice(-this.params.recentMax) : numbers;
      c.payload(entries).add('ERPUSH', rel(k.outbox), numbers).add('ECAP', rel(k.recent), [String(this.params.recentMax), ...newest]);
    }
    if (field !== null) c.fence(rel(k.offsets), field, params.lastOffset);
    const out = await c.run(this.redis);
    return out.committed ? 'applied' : out.guard === 'offset' ? 'skipped' : 'conflict';
  }

  /** The outbox's depth and its oldest entry, for the outbox-age metric and /readyz. */
  async outboxSample(): Promise<{ depth: number; oldest: string[] }> {
    const [depth, head] = await Promise.all([this.redis.llen(this.keys.outbox), this.redis.lindex(this.keys.outbox, 0)]);
    return { depth, oldest: head === null ? [] : [head] };
  }

  async outboxHead(n: number): Promise<string[]> {
    return this.redis.lrange(this.keys.outbox, 0, n - 1);
  }
}
