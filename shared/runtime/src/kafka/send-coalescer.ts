import type { Message, Producer } from 'kafkajs';

interface PendingSend {
  topic: string;
  messages: Message[];
  /** messages already put in a request */
  taken: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A message's share of a request: value, key and headers, plus the record's own framing. */
function messageBytes(m: Message): number {
  let n = 64 + (m.value?.length ?? 0) + (m.key?.length ?? 0);
  if (m.headers) for (const [k, v] of Object.entries(m.headers)) n += k.length + (typeof v === 'string' || Buffer.isBuffer(v) ? v.length : 64);
  return n;
}

/**
 * Group commit for a producer whose requests go one at a time (an idempotent kafkajs producer
 * keeps one request in flight per broker). Sends made while a request is in flight wait, and
 * then go together in one request; sends made in the same turn of the event loop also go
 * together. A request carries at most `maxBytesPerRequest` (estimated): several small sends
 * share one, a large send is split over several (the broker refuses a record batch over its
 * message.max.bytes, 1 MB by default, and several partitions' sends may all go to one
 * partition). Messages of a topic keep their order, within a send and across sends.
 *
 * A send resolves once every request carrying its messages was acknowledged, and rejects when
 * one of them failed (each caller retries its own, as it would have without the coalescer; a
 * part already sent is then sent again: consumers de-duplicate by eventId).
 *
 * Why: with six partitions handled concurrently, six small produce requests queued behind each
 * other, each one a round trip; one request per round trip carries them all (fewer requests for
 * the client and the broker to encode and decode, and no send waits behind five others).
 */
export class SendCoalescer {
  private queue: PendingSend[] = [];
  private flushing = false;
  private readonly maxBytes: number;
  private readonly acks: number;

  constructor(
    private readonly producer: Pick<Producer, 'sendBatch'>,
    options: { acks?: number; maxBytesPerRequest?: number } = {},
  ) {
    this.maxBytes = options.maxBytesPerRequest ?? 512 * 1024;
    this.acks = options.acks ?? -1;
  }

  /** Sends `messages` to `topic`, resolving once the broker acknowledged them all. */
  send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, messages, taken: 0, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // the next request: messages from the head of the queue, in order, up to the byte budget
      // (at least one message, so one larger than the budget still goes, alone)
      const byTopic = new Map<string, Message[]>();
      const carried: PendingSend[] = [];
      let bytes = 0;
      let full = false;
      for (const s of this.queue) {
        while (s.taken < s.messages.length) {
          const m = s.messages[s.taken]!;
          const size = messageBytes(m);
          if (bytes > 0 && bytes + size > this.maxBytes) {
            full = true;
            break;
          }
          bytes += size;
          s.taken++;
          const list = byTopic.get(s.topic);
          if (list) list.push(m);
          else byTopic.set(s.topic, [m]);
          if (carried[carried.length - 1] !== s) carried.push(s);
        }
        if (full) break;
      }
      try {
        await this.producer.sendBatch({ acks: this.acks, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      } catch (err) {
        // every send with a message in the failed request fails as a whole
        for (const s of carried) s.reject(err as Error);
        this.queue = this.queue.filter((s) => !carried.includes(s));
        continue;
      }
      while (this.queue.length > 0 && this.queue[0]!.taken === this.queue[0]!.messages.length) this.queue.shift()!.resolve();
    }
    this.flushing = false;
  }
}
