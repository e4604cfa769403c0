import type { FeedItem } from '@tierflow/views/feed-item';

export type FeedFilter = (item: FeedItem) => boolean;

interface Subscriber {
  filter: FeedFilter;
  send: (item: FeedItem) => void;
}

/**
 * Keeps the most recent feed items (a bounded ring) and fans new ones out to subscribers
 * (server-sent-event connections). Pure: no I/O; the sender functions do the writing.
 */
export class FeedHub {
  private readonly items: FeedItem[] = [];
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly capacity: number) {}

  publish(item: FeedItem): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    for (const s of this.subscribers) {
      if (s.filter(item)) s.send(item);
    }
  }

  /** The most recent items matching the filter, newest first. */
  recent(filter: FeedFilter, limit: number): FeedItem[] {
    const out: FeedItem[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) {
      const item = this.items[i] as FeedItem;
      if (filter(item)) out.push(item);
    }
    return out;
  }

  /** Registers a subscriber; returns the function that removes it. */
  subscribe(filter: FeedFilter, send: (item: FeedItem) => void): () => void {
    const s: Subscriber = { filter, send };
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
