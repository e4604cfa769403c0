import type { Redis } from 'ioredis';
import { TransientError } from '@tierflow/contracts/errors/tierflow-error';
import { FencedCommit } from '@tierflow/runtime/exactly-once/fenced-commit';
import { defineScript } from '@tierflow/runtime/redis/scripts';
import { alertKeys, type AlertKeys } from '@tierflow/contracts/keyspace/alerter/alert-keys';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';
import { seenSlot } from '@tierflow/contracts/keyspace/alerter/seen-bucket';
import type { Alert, RoutingProfile } from '@tierflow/domain/alerts/alert-types';

const completeScript = defineScript({ name: 'alComplete', file: new URL('./lua/complete-alert.lua', import.meta.url), keys: 3 });
const leaseScript = defineScript({ name: 'alHoldLease', file: new URL('./lua/hold-lease.lua', import.meta.url), keys: 1 });

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
  private readonly redis: Redis;
  /** every key starts with it: `<prefix>{al}:` */
  private readonly base: string;

  constructor(private readonly params: { redis: Redis; prefix: string; dedupeTtlSeconds: number }) {
    this.keys = alertKeys(params.prefix);
    this.redis = params.redis;
    this.base = this.keys.offsets.slice(0, -'offsets'.length);
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
      if (err) throw new TransientError('REDIS_LOAD', err.message, { cause: err });
      const [accountManager, name] = (row as Array<string | null>) ?? [null, null];
      out.set(id, { accountManager: accountManager || null, name: name || null });
    });
    return out;
  }

  /**
   * Queues the alerts not seen before and records the offset, atomically (one fenced commit:
   * skipped when the batch is at or below the recorded offset). -1: already applied; else the
   * number of alerts queued.
   */
  async enqueue(topic: string, partition: number, lastOffset: string, alerts: Alert[]): Promise<number> {
    const k = this.keys;
    const c = new FencedCommit(k.offsets, this.base);
    const field = `${topic}:${partition}`;
    c.guardBelow('offset', c.relative(k.offsets), field, lastOffset);
    if (alerts.length > 0) {
      // a de-duplication key (customer, kind, period) is a field of its period's bucket hash
      // (HNXPUSH); an alertId or a key without a period is a seen key of its own (NXPUSH). Runs
      // of the same kind in alert order, so the queue keeps the alerts' order.
      const ttl = String(this.params.dedupeTtlSeconds);
      let run: { cmd: 'NXPUSH' | 'HNXPUSH'; args: string[] } | null = null;
      const flush = () => {
        if (run) c.add(run.cmd, c.relative(k.queue), run.args);
        run = null;
      };
      alerts.forEach((a, i) => {
        const slot = a.dedupeKey ? seenSlot(a.dedupeKey) : null;
        const cmd = slot ? 'HNXPUSH' : 'NXPUSH';
        if (run?.cmd !== cmd) {
          flush();
          run = { cmd, args: [ttl] };
        }
        if (slot) run.args.push(c.relative(k.seenPeriod(slot.period, slot.bucket)), slot.field, String(i + 1));
        else run.args.push(c.relative(k.seen(a.dedupeKey ?? a.alertId)), String(i + 1));
      });
      flush();
      c.payload(alerts.map((a) => JSON.stringify(a)));
    }
    c.fence(c.relative(k.offsets), field, lastOffset);
    const out = await c.run(this.redis);
    return out.committed ? out.queued : -1;
  }

  async head(): Promise<string | null> {
    return this.redis.lindex(this.keys.queue, 0);
  }

  async complete(raw: string, outcome: 'delivered' | 'dead', dead?: DeadLetter): Promise<boolean> {
    const r = await completeScript.run<number>(this.redis, [this.keys.queue, this.keys.dead, this.keys.stats], [raw, outcome, dead ? JSON.stringify(dead) : '']);
    return r === 1;
  }

  async holdLease(token: string, ms: number): Promise<boolean> {
    return (await leaseScript.run<number>(this.redis, [this.keys.lease], [token, ms])) === 1;
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
