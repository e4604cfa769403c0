import type { Message, Producer } from 'kafkajs';

interface PendingSend {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Group commit for a producer whose requests go one at a time (an idempotent kafkajs producer
 * keeps one request in flight per broker). Sends made while a request is in flight wait, and
 * then go together in one request; sends made in the same turn of the event loop also go
 * together. Each caller's promise settles with the request that carried its messages, so a
 * resolved send still means "acknowledged by the broker", and a failed request fails every send
 * in it (each caller retries its own, as it would have without the coalescer). A caller's
 * messages stay in its order, and a caller that awaits each send keeps its order across sends.
 *
 * Why: with six partitions handled concurrently, six small produce requests queued behind each
 * other, each one a round trip; one request per round trip carries them all (fewer requests for
 * the client and the broker to encode and decode, and no send waits behind five others).
 */
export class SendCoalescer {
  private queue: PendingSend[] = [];
  private flushing = false;

  constructor(
    private readonly producer: Pick<Producer, 'sendBatch'>,
    private readonly options: { acks?: number; maxMessagesPerRequest?: number } = {},
  ) {}

  /** Sends `messages` to `topic`, resolving once the broker acknowledged them. */
  send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const max = this.options.maxMessagesPerRequest ?? 20_000;
    while (this.queue.length > 0) {
      // whole sends only, at least one, up to `max` messages
      let n = 0;
      let take = 0;
      while (take < this.queue.length && (take === 0 || n + this.queue[take]!.messages.length <= max)) {
        n += this.queue[take]!.messages.length;
        take++;
      }
      const group = this.queue.splice(0, take);
      const byTopic = new Map<string, Message[]>();
      for (const s of group) {
        const list = byTopic.get(s.topic);
        if (list) for (const m of s.messages) list.push(m);
        else byTopic.set(s.topic, [...s.messages]);
      }
      try {
        await this.producer.sendBatch({
          acks: this.options.acks ?? -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        for (const s of group) s.resolve();
      } catch (err) {
        for (const s of group) s.reject(err as Error);
      }
    }
    this.flushing = false;
  }
}
