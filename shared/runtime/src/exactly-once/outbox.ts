import type { Redis } from 'ioredis';
import { defineScript } from '../redis/scripts';

const ackScript = defineScript({ name: 'tfOutboxAck', file: new URL('./lua/outbox-ack.lua', import.meta.url), keys: 1 });

/**
 * The service's hook: sends outbox entries (oldest first) to Kafka, dead-lettering an entry that
 * cannot be encoded (it leaves the outbox with the rest, never blocks it); resolves once Kafka
 * acknowledged all.
 */
export type SendEntries = (entries: string[]) => Promise<void>;

/**
 * The exactly-once stage's outbox: a Redis list the fenced commit appends to, sent to Kafka
 * after the commit, oldest first, through the service's SendEntries hook; entries are removed
 * only after Kafka acknowledged them (one script: LTRIM when they are still the outbox's head, else
 * LREM of each exact entry), so a crash never drops an event and two instances flushing at
 * once can duplicate one but never drop one (the eventIds are deterministic).
 *
 * The flusher keeps a copy of the outbox in memory, so sending reads nothing from Redis: `load`
 * replaces it with the whole Redis outbox (on assignment and after a rebuild, while no commit
 * runs), `enqueue` appends what a commit just appended (in commit order). One flush runs at a
 * time: one Kafka request in flight, in outbox order; the removal of a sent request runs while
 * the next one is sent. `kick` runs a flush in the background of the commits and retries a
 * failure after a pause.
 *
 * `shared: true` is the mode for an outbox several instances append to (one list for every
 * partition of a service): there is no in-memory copy; every flush sends the list's head as
 * Redis holds it, batch after batch, until the list is empty, so it also sends what another
 * (maybe dead) instance committed; a flush asked for while one runs runs again after it, so
 * awaiting `flush` after a commit means that commit's entries were sent.
 */
export class Outbox {
  private queue: string[] = [];
  private running: Promise<number> | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private sentWaiters: Array<() => void> = [];

  constructor(
    private readonly params: {
      redis: Redis;
      outboxKey: string;
      send: SendEntries;
      /** after a failed send, once every posted send settled: the sender may send again */
      reset?: () => void;
      /** sends handed to the sender before the first is acknowledged (it sends them one by one) */
      window?: number;
      /** events per Kafka send (the request must stay under the broker's message size limit) */
      batchSize?: number;
      retryMs?: number;
      onSent?: (n: number) => void;
      onError?: (err: Error) => void;
      /** several writers append to the list: each flush reads it from Redis (see above) */
      shared?: boolean;
    },
  ) {}

  private rerun: Promise<number> | null = null;

  /** Outbox entries not yet acknowledged by Kafka, as this instance knows them. */
  get pending(): number {
    return this.queue.length;
  }

  /** Replaces the in-memory copy with the whole Redis outbox. No commit may run meanwhile. */
  load(): Promise<void> {
    if (this.params.shared) return Promise.resolve();
    return this.exclusive(async () => {
      this.queue = await this.params.redis.lrange(this.params.outboxKey, 0, -1);
    });
  }

  /** Appends the entries a commit just appended to the outbox (same order), and starts sending. */
  enqueue(entries: string[]): void {
    if (entries.length === 0) return;
    if (!this.params.shared) for (const e of entries) this.queue.push(e);
    this.kick();
  }

  /** Sends until the in-memory outbox is empty; resolves with the number of events sent. */
  flush(): Promise<number> {
    if (this.params.shared && this.running) {
      this.rerun ??= this.running.then(
        () => undefined,
        () => undefined,
      ).then(() => {
        this.rerun = null;
        return this.flush();
      });
      return this.rerun;
    }
    if (!this.running) {
      this.running = this.exclusive(() => this.loop()).then(
        (n) => {
          this.running = null;
          if (this.queue.length > 0) this.kick(); // enqueued after the loop's last look
          return n;
        },
        (err: unknown) => {
          this.running = null;
          throw err;
        },
      );
    }
    return this.running;
  }

  /** Starts a flush in the background; a failure is reported and retried after a pause. */
  kick(): void {
    if (this.closed) return;
    this.flush().catch((err: Error) => {
      this.params.onError?.(err);
      if (!this.retry && !this.closed) {
        this.retry = setTimeout(() => {
          this.retry = null;
          this.kick();
        }, this.params.retryMs ?? 1_000);
        this.retry.unref();
      }
    });
  }

  /**
   * Back-pressure: resolves once at most `max` entries wait to be sent, flushing meanwhile;
   * rejects when a flush fails.
   */
  async drainBelow(max: number): Promise<void> {
    while (this.queue.length > max) {
      const sent = new Promise<void>((resolve) => this.sentWaiters.push(resolve));
      await Promise.race([this.flush(), sent]);
    }
  }

  /** No more background flushes (shutdown). */
  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn);
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** Shared mode: the list's head, batch after batch, until Redis holds none. */
  private async loopShared(): Promise<number> {
    const { redis, outboxKey, send } = this.params;
    const size = this.params.batchSize ?? 2_000;
    let sent = 0;
    for (;;) {
      const items = await redis.lrange(outboxKey, 0, size - 1);
      if (items.length === 0) return sent;
      try {
        await send(items);
      } catch (err) {
        this.params.reset?.();
        throw err;
      }
      await this.ack(items);
      sent += items.length;
      this.params.onSent?.(items.length);
      this.wake();
    }
  }

  private async loop(): Promise<number> {
    if (this.params.shared) return this.loopShared().finally(() => this.wake());
    const size = this.params.batchSize ?? 2_000;
    const window = this.params.window ?? 1;
    let sent = 0;
    let removing: Promise<unknown> = Promise.resolve();
    // handed to the sender, oldest first; `posted` entries of the queue's head are in them
    const inflight: Array<{ items: string[]; done: Promise<void> }> = [];
    let posted = 0;
    try {
      for (;;) {
        while (inflight.length < window && posted < this.queue.length) {
          const items = this.queue.slice(posted, posted + size);
          posted += items.length;
          const done = this.params.send(items);
          done.catch(() => undefined); // awaited in order below
          inflight.push({ items, done });
        }
        const next = inflight.shift();
        if (!next) break;
        try {
          await next.done;
        } catch (err) {
          // the sender refuses everything after a failure: settle the rest, then let it send again
          await Promise.allSettled(inflight.map((f) => f.done));
          inflight.length = 0;
          this.params.reset?.();
          throw err;
        }
        const items = next.items;
        this.queue.splice(0, items.length);
        posted -= items.length;
        // removals run in order on one connection, each after its send was acknowledged
        const previous = removing;
        removing = previous.then(() => this.ack(items));
        removing.catch(() => undefined);
        await previous;
        sent += items.length;
        this.params.onSent?.(items.length);
        this.wake();
      }
      await removing;
      return sent;
    } finally {
      this.wake();
    }
  }

  private wake(): void {
    const waiters = this.sentWaiters;
    this.sentWaiters = [];
    for (const w of waiters) w();
  }

  /** Removes the sent entries; returns the outbox length left. */
  private async ack(items: string[]): Promise<number> {
    const { redis, outboxKey } = this.params;
    const left = await ackScript.run<number>(redis, [outboxKey], [String(items.length), items[0] as string, items[items.length - 1] as string]);
    if (left >= 0) return left;
    // the head moved (another instance flushed too): remove exactly what was sent, entry by entry
    const pipe = redis.pipeline();
    for (const item of items) pipe.lrem(outboxKey, 1, item);
    pipe.llen(outboxKey);
    const res = (await pipe.exec()) ?? [];
    const failed = res.find(([err]) => err);
    if (failed) throw failed[0] as Error;
    return Number(res[res.length - 1]?.[1] ?? 0);
  }
}

/**
 * The outbox's per-key coalescing mode (the aggregator's): one Redis SET per shard of the keys
 * (customer ids) whose state changed, added to by the fenced commit. The service turns keys
 * into messages from the state they name, read at send time, so a key changed twice before it
 * is sent is sent once, with its latest state; a key is removed only after Kafka acknowledged
 * it. Every shard's outbox is flushed on assignment (`pending` then the service's send).
 */
export class KeyedOutbox {
  constructor(
    private readonly params: {
      redis: Redis;
      /** the outbox set of a shard */
      key: (shard: number) => string;
    },
  ) {}

  /** Every key waiting in a shard's outbox. */
  pending(shard: number): Promise<string[]> {
    return this.params.redis.smembers(this.params.key(shard));
  }

  /**
   * Removes keys Kafka acknowledged. Not awaited: Redis runs one connection's commands in the
   * order they were sent, so this removal lands before the next commit that may put the same
   * key in the outbox again; if it fails, the keys stay and are sent once more on the next
   * assignment (consumers de-duplicate by eventId).
   */
  acknowledged(shard: number, keys: string[]): void {
    const set = this.params.key(shard);
    for (let i = 0; i < keys.length; i += 10_000) {
      this.params.redis.srem(set, ...keys.slice(i, i + 10_000)).catch(() => undefined);
    }
  }

  /** Removes keys that have nothing to send (so they cannot age in the outbox). */
  async drop(shard: number, keys: string[]): Promise<void> {
    if (keys.length > 0) await this.params.redis.srem(this.params.key(shard), ...keys);
  }

  /** The shards' outbox depth and up to 100 waiting keys each (`<shard>:<key>`), for the outbox-age metric. */
  async sample(shards: Iterable<number>): Promise<{ depth: number; oldest: string[] }> {
    let depth = 0;
    const oldest: string[] = [];
    for (const shard of shards) {
      const key = this.params.key(shard);
      const [n, page] = await Promise.all([this.params.redis.scard(key), this.params.redis.sscan(key, '0', 'COUNT', 100)]);
      depth += n;
      for (const id of page[1]) oldest.push(`${shard}:${id}`);
    }
    return { depth, oldest };
  }
}
