import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { churnKeys, offsetField, type ChurnKeys } from '@tierflow/contracts/keyspace/churn-watch/churn-keys';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';
import type { TierRecord } from '@tierflow/domain/churn/batch-planner';
import type { ChurnRiskEvent } from '@tierflow/contracts/events/event-types';
import type { CustomerChurnState } from '@tierflow/contracts/keyspace/churn-watch/churn-state';

const applyLua = readFileSync(new URL('./lua/apply-batch.lua', import.meta.url), 'utf8');
const trimLua = readFileSync(new URL('./lua/trim-outbox.lua', import.meta.url), 'utf8');

type StoreRedis = Redis & {
  cwApplyBatch(...args: Array<string | number>): Promise<number>;
  cwTrimOutbox(...args: Array<string | number>): Promise<number>;
};

export type ApplyResult = 'applied' | 'skipped' | 'conflict';

export interface LoadedCustomers {
  states: Map<string, CustomerChurnState | null>;
  versions: Map<string, number>;
  satisfaction: Map<string, number | null>;
}

/** churn-watch's state in Redis: customer states, timers, watermark, offsets, outbox. */
export class ChurnStore {
  readonly keys: ChurnKeys;
  private readonly redis: StoreRedis;

  constructor(private readonly params: { redis: Redis; prefix: string; recentMax: number }) {
    this.keys = churnKeys(params.prefix);
    this.redis = params.redis as StoreRedis;
    if (!('cwApplyBatch' in this.redis)) {
      params.redis.defineCommand('cwApplyBatch', { numberOfKeys: 8, lua: applyLua });
      params.redis.defineCommand('cwTrimOutbox', { numberOfKeys: 1, lua: trimLua });
    }
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
    pipe.hmget(this.keys.version, ...customerIds);
    for (const id of customerIds) pipe.hget(profileKey(this.params.prefix, id), 'satisfactionScore');
    const res = await pipe.exec();
    if (!res) throw Object.assign(new Error('redis pipeline returned nothing'), { code: 'REDIS_PIPELINE', retriable: true });
    for (const [err] of res) if (err) throw Object.assign(err, { code: 'REDIS_LOAD', retriable: true });
    const states = res[0]![1] as Array<string | null>;
    const versions = res[1]![1] as Array<string | null>;
    customerIds.forEach((id, i) => {
      const s = states[i];
      out.states.set(id, s ? (JSON.parse(s) as CustomerChurnState) : null);
      out.versions.set(id, Number(versions[i] ?? 0));
      const sat = res[2 + i]![1] as string | null;
      const n = sat === null ? NaN : Number(sat);
      out.satisfaction.set(id, Number.isFinite(n) ? n : null);
    });
    return out;
  }

  /** Tier changes staged under these cause customers (waiting for their cause aggregate). */
  async loadStaged(customerIds: string[]): Promise<{ staged: Map<string, TierRecord[]>; versions: Map<string, number> }> {
    const staged = new Map<string, TierRecord[]>();
    const versions = new Map<string, number>();
    if (customerIds.length === 0) return { staged, versions };
    const rows = await this.redis.hmget(this.keys.staged, ...customerIds);
    const vers = await this.redis.hmget(this.keys.version, ...customerIds.map((id) => `staged:${id}`));
    customerIds.forEach((id, i) => {
      const row = rows[i];
      if (row) staged.set(id, JSON.parse(row) as TierRecord[]);
      versions.set(id, Number(vers[i] ?? 0));
    });
    return { staged, versions };
  }

  /** The atomic step: offset fence, version check, states, timers, watermark, outbox. */
  async apply(params: {
    topic: string | null;
    partition: number;
    lastOffset: string;
    watermark: number;
    states: Map<string, CustomerChurnState>;
    versions: Map<string, number>;
    staged: Map<string, TierRecord[]>;
    stagedVersions: Map<string, number>;
    events: ChurnRiskEvent[];
  }): Promise<ApplyResult> {
    const payload = JSON.stringify({
      customers: [...params.states].map(([id, state]) => ({
        id,
        ver: params.versions.get(id) ?? 0,
        state: JSON.stringify(state),
        due: state.timerDueAt ?? -1,
      })),
      events: params.events.map((e) => JSON.stringify(e)),
      staged: [...params.staged].map(([id, list]) => ({
        id,
        ver: params.stagedVersions.get(id) ?? 0,
        list: list.length === 0 ? '' : JSON.stringify(list),
      })),
    });
    const k = this.keys;
    const r = await this.redis.cwApplyBatch(
      k.offsets, k.state, k.version, k.timers, k.meta, k.outbox, k.recent, k.staged,
      params.topic === null ? '' : offsetField(params.topic, params.partition),
      params.lastOffset,
      params.watermark,
      this.params.recentMax,
      payload,
    );
    return r === 1 ? 'applied' : r === 0 ? 'skipped' : 'conflict';
  }

  /** The outbox's depth and its oldest entry, for the outbox-age metric and /readyz. */
  async outboxSample(): Promise<{ depth: number; oldest: string[] }> {
    const [depth, head] = await Promise.all([this.redis.llen(this.keys.outbox), this.redis.lindex(this.keys.outbox, 0)]);
    return { depth, oldest: head === null ? [] : [head] };
  }

  async outboxHead(n: number): Promise<string[]> {
    return this.redis.lrange(this.keys.outbox, 0, n - 1);
  }

  async trimOutbox(first: string, count: number): Promise<boolean> {
    return (await this.redis.cwTrimOutbox(this.keys.outbox, first, count)) === 1;
  }
}
