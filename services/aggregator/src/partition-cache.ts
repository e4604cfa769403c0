import type { Loaded, PartitionMeta } from '@tierflow/domain/windows/batch-plan';

/**
 * What this process knows of one source partition's state in Redis: the meta hash and the
 * customers it read or wrote, valid while the partition's version token in Redis is still
 * `token` (the one this process's last commit wrote). Any other writer changes the token, and
 * any failed or refused step clears the cache, so a stale entry is never used. Apply steps of
 * one partition run one at a time (`serial`): the live clock and the batch handler share it.
 */
export class PartitionCache {
  token: string | null = null;
  meta: PartitionMeta | null = null;
  readonly customers = new Map<string, Loaded>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly maxCustomers: number) {}

  serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  clear(): void {
    this.token = null;
    this.meta = null;
    this.customers.clear();
  }

  /** After a commit: the new token and meta; the whole cache goes when it outgrew its bound. */
  committed(token: string, meta: PartitionMeta): void {
    if (this.customers.size > this.maxCustomers) {
      this.clear();
      return;
    }
    this.token = token;
    this.meta = meta;
  }
}

/** One PartitionCache per source partition, for the life of the process. */
export class StateCache {
  private readonly parts = new Map<number, PartitionCache>();
  constructor(private readonly maxCustomersPerPartition = 100_000) {}

  of(partition: number): PartitionCache {
    let c = this.parts.get(partition);
    if (!c) this.parts.set(partition, (c = new PartitionCache(this.maxCustomersPerPartition)));
    return c;
  }
}
