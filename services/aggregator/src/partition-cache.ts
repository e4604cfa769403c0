import type { Loaded, PartitionMeta } from '@tierflow/domain/windows/batch-plan';
import type { CustomerState } from '@tierflow/contracts/keyspace/aggregator/aggregate-state';

/** A committed customer state still to be sent to customer.aggregates. */
export interface UnsentRecord {
  customerId: string;
  state: CustomerState;
}

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
  /**
   * The applied offset of each input topic-partition the shard records (meta fields
   * `off:<topic>:<partition>`): a shard is applied from its by-customer partition and, directly,
   * from the transactions topic's partition of its number (docs/contracts.md), so `meta.applied`
   * is only the last step's. Valid with `token`.
   */
  readonly offsets = new Map<string, number>();
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
  /**
   * The record cache: customers committed since they were last sent, with their committed
   * state. A step that changes one again keeps its seq (applyClassified's `unsent`), so one
   * record per customer goes out for all of them (takeUnsent). Every one of them is in the
   * partition's outbox in Redis too, so a crash loses none.
   */
  readonly unsent = new Map<string, CustomerState>();
  /** committed states that must go out as they are (their seq was passed on by a later step) */
  private sealed: UnsentRecord[] = [];
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

  /** How many records takeUnsent would give. */
  get unsentCount(): number {
    return this.sealed.length + this.unsent.size;
  }

  /** After a commit: the changed customers' states (copies), before `committed`. */
  recordUnsent(ids: readonly string[], states: readonly CustomerState[]): void {
    ids.forEach((id, i) => this.unsent.set(id, states[i]!));
  }

  /**
   * The records to send, oldest first; from now on a step gives their customers the next seq.
   * Call it between apply steps (in `serial`), so no step is deciding about the same seq meanwhile.
   */
  takeUnsent(): UnsentRecord[] {
    const out = this.sealed;
    for (const [customerId, state] of this.unsent) out.push({ customerId, state });
    this.sealed = [];
    this.unsent.clear();
    return out;
  }

  /** Records a failed send took: they go out first next time, as they are. */
  returnUnsent(records: readonly UnsentRecord[]): void {
    this.sealed = [...records, ...this.sealed];
  }

  clear(): void {
    // what was committed stays to be sent, but its seq is not reused: the state is read afresh
    for (const [customerId, state] of this.unsent) this.sealed.push({ customerId, state });
    this.unsent.clear();
    this.token = null;
    this.meta = null;
    this.offsets.clear();
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

  /**
   * After a commit: the new token and meta, and the applied offsets the shard records (those of
   * `offsets` and the commit's own: `field` at `meta.applied`); the whole cache goes when it
   * outgrew its bound.
   */
  committed(token: string, meta: PartitionMeta, field: string, offsets: ReadonlyMap<string, number>): void {
    if (this.customers.size > this.maxCustomers) {
      this.clear();
      return;
    }
    if (offsets !== this.offsets) {
      this.offsets.clear();
      for (const [f, o] of offsets) this.offsets.set(f, o);
    }
    this.offsets.set(field, meta.applied);
    this.token = token;
    this.meta = meta;
  }

  /** The applied offset this process knows the shard records for an input field, while the cache is valid. */
  appliedOf(field: string): number | undefined {
    return this.token === null ? undefined : this.offsets.get(field);
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
