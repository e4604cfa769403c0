import { describe, expect, it } from 'vitest';
import { FeedHub } from '../../../services/dashboard/src/feed-hub';
import type { FeedItem } from '../../../shared/views/src/feed-item';
import { feedFilterFor } from '../../../services/dashboard/src/http-server';

const item = (n: number, over: Partial<FeedItem> = {}): FeedItem => ({
  type: 'tier-change', event: { eventId: `e${n}`, customerId: `C${n}` }, region: 'north', scope: 'global', receivedAt: n, ...over,
});

describe('FeedHub', () => {
  it('keeps the most recent items up to its capacity, newest first', () => {
    const hub = new FeedHub(3);
    for (let i = 1; i <= 5; i++) hub.publish(item(i));
    expect(hub.recent(() => true, 10).map((i) => i.event.eventId)).toEqual(['e5', 'e4', 'e3']);
    expect(hub.recent(() => true, 2).map((i) => i.event.eventId)).toEqual(['e5', 'e4']);
  });

  it('sends new items to matching subscribers until they leave', () => {
    const hub = new FeedHub(10);
    const got: string[] = [];
    const leave = hub.subscribe((i) => i.type === 'churn-risk', (i) => got.push(String(i.event.eventId)));
    hub.publish(item(1));
    hub.publish(item(2, { type: 'churn-risk' }));
    leave();
    hub.publish(item(3, { type: 'churn-risk' }));
    expect(got).toEqual(['e2']);
    expect(hub.subscriberCount).toBe(0);
  });

  it('filters by scope: regional views get their region\'s tier changes and their customers\' churn risks', () => {
    const north = feedFilterFor({ kind: 'region', region: 'north' });
    const global = feedFilterFor({ kind: 'global' });
    expect(north(item(1, { scope: 'region:north' }))).toBe(true);
    expect(north(item(1, { scope: 'region:south', region: 'south' }))).toBe(false);
    expect(north(item(1, { scope: 'global' }))).toBe(false);
    expect(north(item(1, { type: 'churn-risk', scope: 'global', region: 'north' }))).toBe(true);
    expect(global(item(1, { scope: 'region:north' }))).toBe(false);
    expect(global(item(1, { type: 'churn-risk', scope: 'global' }))).toBe(true);
  });
});
