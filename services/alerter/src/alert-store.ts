import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { alertKeys, type AlertKeys } from '@tierflow/contracts/keyspace/alerter/alert-keys';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';
import type { Alert, RoutingProfile } from '@tierflow/domain/alerts/alert-types';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8');

type StoreRedis = Redis & {
  alEnqueue(...args: Array<string | number>): Promise<number>;
  alComplete(...args: Array<string | number>): Promise<number>;
  alHoldLease(...args: Array<string | number>): Promise<number>;
};

export interface DeadLetter {
  alert: Alert;
  reason: string;
  code: string;
  attempts: number;
  at: number;
}

/** The alerter's Redis state: offsets, the de-dup keys, the delivery queue, the dead letters. */
export class AlertStore {
  readonly keys: AlertKeys;
  private readonly redis: StoreRedis;

  constructor(private readonly params: { redis: Redis; prefix: string; dedupeTtlSeconds: number }) {
    this.keys = alertKeys(params.prefix);
    this.redis = params.redis as StoreRedis;
    if (!('alEnqueue' in this.redis)) {
      params.redis.defineCommand('alEnqueue', { lua: lua('enqueue-alerts.lua') });
      params.redis.defineCommand('alComplete', { numberOfKeys: 3, lua: lua('complete-alert.lua') });
      params.redis.defineCommand('alHoldLease', { numberOfKeys: 1, lua: lua('hold-lease.lua') });
    }
  }

  async appliedOffset(topic: string, partition: number): Promise<bigint | null> {
    const v = await this.redis.hget(this.keys.offsets, `${topic}:${partition}`);
    return v === null ? null : BigInt(v);
  }

  async profiles(customerIds: string[]): Promise<Map<string, RoutingProfile>> {
    const out = new Map<string, RoutingProfile>();
    if (customerIds.length === 0) return out;
    const pipe = this.redis.pipeline();
    for (const id of customerIds) pipe.hmget(profileKey(this.params.prefix, id), 'accountManager', 'name');
    const res = (await pipe.exec()) ?? [];
    customerIds.forEach((id, i) => {
      const [err, row] = res[i] ?? [new Error('no reply'), null];
      if (err) throw Object.assign(err, { code: 'REDIS_LOAD', retriable: true });
      const [accountManager, name] = (row as Array<string | null>) ?? [null, null];
      out.set(id, { accountManager: accountManager || null, name: name || null });
    });
    return out;
  }

  /** Queues the alerts not seen before and records the offset, atomically. -1: already applied. */
  async enqueue(topic: string, partition: number, lastOffset: string, alerts: Alert[]): Promise<number> {
    // one seen key per de-duplication key (customer, kind, period), or per alertId without one
    const keys = [this.keys.offsets, this.keys.queue, ...alerts.map((a) => this.keys.seen(a.dedupeKey ?? a.alertId))];
    return this.redis.alEnqueue(
      keys.length,
      ...keys,
      `${topic}:${partition}`,
      lastOffset,
      this.params.dedupeTtlSeconds,
      ...alerts.map((a) => JSON.stringify(a)),
    );
  }

  async head(): Promise<string | null> {
    return this.redis.lindex(this.keys.queue, 0);
  }

  async complete(raw: string, outcome: 'delivered' | 'dead', dead?: DeadLetter): Promise<boolean> {
    const r = await this.redis.alComplete(this.keys.queue, this.keys.dead, this.keys.stats, raw, outcome, dead ? JSON.stringify(dead) : '');
    return r === 1;
  }

  async holdLease(token: string, ms: number): Promise<boolean> {
    return (await this.redis.alHoldLease(this.keys.lease, token, ms)) === 1;
  }

  async releaseLease(token: string): Promise<void> {
    if ((await this.redis.get(this.keys.lease)) === token) await this.redis.del(this.keys.lease);
  }

  async deadLetters(n = 100): Promise<DeadLetter[]> {
    return (await this.redis.lrange(this.keys.dead, 0, n - 1)).map((r) => JSON.parse(r) as DeadLetter);
  }

  async queueLength(): Promise<number> {
    return this.redis.llen(this.keys.queue);
  }
}
