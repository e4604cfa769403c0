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
  /**
   * The de-dup entries of the generations this process read whole (HGETALL) or wrote since:
   * generation ('late' too) -> transactionId -> fingerprint. A generation not in it is read
   * from Redis before it is used; one this process created after loading is complete.
   */
  readonly dedupe = new Map<number | 'late', Map<string, string>>();
  /** the stored members of day activity sets (x:<day>) this process read, kept up to date by its commits */
  readonly days = new Map<number, string[]>();
  /** set once the de-dup entries outgrew their bound: then looked up per transactionId */
  dedupeTooLarge = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly maxCustomers: number,
    /** de-dup entries kept in memory at most (beyond: looked up in Redis per step) */
    private readonly maxDedupeEntries = maxCustomers * 4,
  ) {}

  serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Whether this cache keeps anything (a bound of 0 keeps nothing). */
  get keeps(): boolean {
    return this.maxCustomers > 0;
  }

  clear(): void {
    this.token = null;
    this.meta = null;
    this.customers.clear();
    this.dedupe.clear();
    this.days.clear();
  }

  /** A commit's day-set additions and the days it dropped, once it committed. */
  recordDays(adds: ReadonlyMap<number, readonly string[]>, dropped: readonly number[]): void {
    for (const d of dropped) this.days.delete(d);
    for (const [d, ids] of adds) this.days.get(d)?.push(...ids); // a day never read is read when needed
  }

  /** Drops the de-dup entries, for good, when they outgrew their bound. */
  checkDedupeSize(): void {
    let n = 0;
    for (const entries of this.dedupe.values()) n += entries.size;
    if (n <= this.maxDedupeEntries) return;
    this.dedupe.clear();
    this.dedupeTooLarge = true;
  }

  /** The de-dup entries a commit wrote and the generations it dropped, once it committed. */
  recordDedupe(newTx: ReadonlyMap<number | 'late', readonly string[]>, dropGens: readonly number[]): void {
    for (const g of dropGens) this.dedupe.delete(g);
    for (const [g, list] of newTx) {
      const entries = this.dedupe.get(g);
      if (!entries) continue; // never read whole: read from Redis when next needed
      for (let i = 0; i < list.length; i += 2) entries.set(list[i]!, list[i + 1]!);
    }
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
