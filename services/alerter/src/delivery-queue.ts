import type { Redis } from 'ioredis';
import { defineScript } from '@tierflow/runtime/redis/scripts';
import { alertKeys } from '@tierflow/contracts/keyspace/alerter/alert-keys';
import type { DeadLetter } from './alert-store';

const completeAny = defineScript({ name: 'alCompleteAny', file: new URL('./lua/complete-any-alert.lua', import.meta.url), keys: 3 });

/**
 * The dispatcher's view of the alert queue (the Redis list AlertStore fills): a window of the
 * oldest entries, and taking one out wherever it is, since deliveries run concurrently.
 */
export class DeliveryQueue {
  private readonly keys;
  private readonly redis: Redis;

  constructor(params: { redis: Redis; prefix: string }) {
    this.keys = alertKeys(params.prefix);
    this.redis = params.redis;
  }

  /** The oldest `n` queued alerts (raw JSON), oldest first. */
  window(n: number): Promise<string[]> {
    return this.redis.lrange(this.keys.queue, 0, n - 1);
  }

  length(): Promise<number> {
    return this.redis.llen(this.keys.queue);
  }

  async complete(raw: string, outcome: 'delivered' | 'dead', dead?: DeadLetter): Promise<boolean> {
    return (await completeAny.run<number>(this.redis, [this.keys.queue, this.keys.dead, this.keys.stats], [raw, outcome, dead ? JSON.stringify(dead) : ''])) === 1;
  }
}
