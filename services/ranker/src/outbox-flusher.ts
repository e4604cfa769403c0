import type { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import type { TierChange } from './tier-change';

/**
 * Sends the tier changes waiting in the Redis outbox to Kafka, oldest first, and removes each
 * one only after Kafka acknowledged it (LREM of that exact entry, so two instances flushing at
 * once can duplicate an event but never drop one). One flush runs at a time; a call during a
 * flush makes it loop once more.
 */
export class OutboxFlusher {
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly params: {
      redis: Redis;
      outboxKey: string;
      producer: Producer;
      topic: string;
      encode: (event: TierChange) => Buffer;
      batchSize?: number;
      onSent?: (n: number) => void;
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

  private async loop(): Promise<number> {
    const { redis, outboxKey, producer, topic, encode } = this.params;
    const size = this.params.batchSize ?? 500;
    let sent = 0;
    do {
      this.again = false;
      for (;;) {
        const items = await redis.lrange(outboxKey, 0, size - 1);
        if (items.length === 0) break;
        const events = items.map((s) => JSON.parse(s) as TierChange);
        await producer.send({
          topic,
          acks: -1,
          messages: events.map((e) => ({ key: e.customerId, value: encode(e), headers: { eventId: e.eventId } })),
        });
        const pipe = redis.pipeline();
        for (const item of items) pipe.lrem(outboxKey, 1, item);
        await pipe.exec();
        sent += items.length;
        this.params.onSent?.(items.length);
      }
    } while (this.again);
    return sent;
  }
}
