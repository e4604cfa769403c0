import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Removes n sent entries from the outbox. When they are still its head (the usual case: the
 * first and the n-th entry are the ones sent; entries are only appended at the tail, and any
 * removal before them would have moved both) one LTRIM drops them and the script returns the
 * length left; else it returns -1 and nothing is changed (the caller then removes each entry).
 * KEYS[1] outbox; ARGV: n, first entry, last entry.
 */
const ACK_SOURCE = `
local n = tonumber(ARGV[1])
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] or redis.call('LINDEX', KEYS[1], n - 1) ~= ARGV[3] then return -1 end
redis.call('LTRIM', KEYS[1], n, -1)
return redis.call('LLEN', KEYS[1])
`;
const ACK_SHA = createHash('sha1').update(ACK_SOURCE).digest('hex');

/** Sends outbox entries (JSON TierChange, oldest first) to Kafka; resolves once Kafka acknowledged all. */
export type SendEntries = (entries: string[]) => Promise<void>;

/**
 * Sends the tier changes waiting in the Redis outbox to Kafka, oldest first, and removes them
 * only after Kafka acknowledged them (one script: LTRIM when they are still the outbox's head,
 * else LREM of each exact entry), so a crash never drops an event and two instances flushing
 * at once can duplicate one but never drop one (the eventId is deterministic). One flush runs
 * at a time, in order, one Kafka send in flight; a call during a flush makes it loop once more.
 * `kick` runs a flush in the background of the commits and retries a failure after a pause.
 */
export class OutboxFlusher {
  private running: Promise<number> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  /** the outbox length last seen (after a commit or a removal) */
  private backlog = 0;
  private ackWaiters: Array<() => void> = [];

  constructor(
    private readonly params: {
      redis: Redis;
      outboxKey: string;
      send: SendEntries;
      /** events per Kafka send (the request must stay under the broker's message size limit) */
      batchSize?: number;
      retryMs?: number;
      onSent?: (n: number) => void;
      onError?: (err: Error) => void;
    },
  ) {}

  /** Flushes until the outbox is empty; resolves with the number of events sent. */
  flush(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
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

  /** The outbox length a commit just left. */
  noteLength(length: number): void {
    this.backlog = length;
  }

  /**
   * Back-pressure: resolves once the outbox (as last seen) holds at most `max` entries, flushing
   * meanwhile; rejects when a flush fails.
   */
  async drainBelow(max: number): Promise<void> {
    while (this.backlog > max) {
      const acked = new Promise<void>((resolve) => this.ackWaiters.push(resolve));
      await Promise.race([this.flush(), acked]);
    }
  }

  /** No more background flushes (shutdown). */
  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private async loop(): Promise<number> {
    try {
      return await this.drain();
    } finally {
      this.wake();
    }
  }

  private async drain(): Promise<number> {
    const { redis, outboxKey, send } = this.params;
    const size = this.params.batchSize ?? 2_000;
    let sent = 0;
    do {
      this.again = false;
      for (;;) {
        const items = await redis.lrange(outboxKey, 0, size - 1);
        if (items.length === 0) {
          this.backlog = 0;
          break;
        }
        await send(items);
        this.backlog = await this.ack(items);
        this.wake();
        sent += items.length;
        this.params.onSent?.(items.length);
      }
    } while (this.again);
    return sent;
  }

  private wake(): void {
    const waiters = this.ackWaiters;
    this.ackWaiters = [];
    for (const w of waiters) w();
  }

  /** Removes the sent entries; returns the outbox length left. */
  private async ack(items: string[]): Promise<number> {
    const { redis, outboxKey } = this.params;
    const args = [outboxKey, String(items.length), items[0] as string, items[items.length - 1] as string];
    let left: number;
    try {
      left = (await redis.evalsha(ACK_SHA, 1, args)) as number;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      left = (await redis.eval(ACK_SOURCE, 1, args)) as number;
    }
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
