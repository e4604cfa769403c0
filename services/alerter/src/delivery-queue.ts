import type { Redis } from 'ioredis';
import { defineScript } from '@tierflow/runtime/redis/scripts';
import { alertKeys } from '@tierflow/contracts/keyspace/alerter/alert-keys';
import type { DeadLetter } from './alert-store';
import { GroupCommit } from './group-commit';

const completeAlerts = defineScript({ name: 'alCompleteAlerts', file: new URL('./lua/complete-alerts.lua', import.meta.url), keys: 3 });

interface Completion {
  raw: string;
  outcome: 'delivered' | 'dead';
  dead?: DeadLetter;
}

/**
 * The dispatcher's view of the alert queue (the Redis list AlertStore fills): a window of the
 * oldest entries, and taking one out wherever it is, since deliveries run concurrently.
 * Completions that arrive while one is being written go together in the next script call.
 */
export class DeliveryQueue {
  private readonly keys;
  private readonly redis: Redis;
  private readonly completions: GroupCommit<Completion, boolean>;

  constructor(params: { redis: Redis; prefix: string }) {
    this.keys = alertKeys(params.prefix);
    this.redis = params.redis;
    this.completions = new GroupCommit((items) => this.completeAll(items));
  }

  /** The oldest `n` queued alerts (raw JSON), oldest first. */
  window(n: number): Promise<string[]> {
    return this.redis.lrange(this.keys.queue, 0, n - 1);
  }

  length(): Promise<number> {
    return this.redis.llen(this.keys.queue);
  }

  /** Takes a handled alert out (dead-lettered when `dead`); false when it was no longer queued. */
  complete(raw: string, outcome: 'delivered' | 'dead', dead?: DeadLetter): Promise<boolean> {
    return this.completions.submit({ raw, outcome, dead });
  }

  private async completeAll(items: Completion[]): Promise<boolean[]> {
    const args: string[] = [];
    for (const c of items) args.push(c.raw, c.outcome, c.dead ? JSON.stringify(c.dead) : '');
    const done = await completeAlerts.run<number[]>(this.redis, [this.keys.queue, this.keys.dead, this.keys.stats], args);
    return done.map((d) => d === 1);
  }
}
