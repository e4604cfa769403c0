import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { ChurnStore } from '../../../services/churn-watch/src/churn-store';
import { Outbox } from '../../../shared/runtime/src/exactly-once/outbox';
import { emptyChurnState } from '../../../shared/domain/src/churn/churn-evaluator';
import type { ChurnRiskEvent } from '../../../shared/contracts/src/events/event-types';

const prefix = `test:cws:${randomUUID()}:`;
let redis: Redis;
let store: ChurnStore;

const event = (id: string) => ({ eventId: id, customerId: 'X' }) as unknown as ChurnRiskEvent;
const apply = (lastOffset: string, versions: Map<string, number>, o: { due?: number | null; events?: string[]; watermark?: number } = {}) => {
  const state = { ...emptyChurnState('X', 0), timerDueAt: o.due ?? null };
  return store.apply({
    topic: 't',
    partition: 0,
    lastOffset,
    watermark: o.watermark ?? 100,
    states: new Map([['X', state]]),
    versions,
    staged: new Map(),
    stagedVersions: new Map(),
    events: (o.events ?? []).map(event),
  });
};

beforeAll(() => {
  redis = new Redis(connectionConfig().redisUrl);
  store = new ChurnStore({ redis, prefix, recentMax: 2 });
});
afterAll(async () => {
  await redis.del(...Object.values(store.keys));
  redis.disconnect();
});

describe('the churn store on the fenced commit and the shared outbox, on a real Redis', () => {
  it('applies once per offset, checks versions, keeps timers, watermark, outbox and a capped recent list', async () => {
    expect(await apply('5', new Map([['X', 0]]), { due: 1_000, events: ['e1', 'e2', 'e3'] })).toBe('applied');
    expect(await store.appliedOffset('t', 0)).toBe(5n);
    expect(await apply('5', new Map([['X', 1]]), { events: ['again'] })).toBe('skipped'); // at the offset
    expect(await apply('4', new Map([['X', 1]]))).toBe('skipped'); // below it
    expect(await apply('6', new Map([['X', 0]]))).toBe('conflict'); // read an old version
    expect(await store.appliedOffset('t', 0)).toBe(5n);
    expect(await store.dueTimers(999)).toEqual([]);
    expect(await store.dueTimers(1_000)).toEqual([{ customerId: 'X', dueAt: 1_000 }]);
    expect(await store.watermark()).toBe(100);
    expect(await apply('6', new Map([['X', 1]]), { due: null, watermark: 50 })).toBe('applied');
    expect(await store.watermark()).toBe(100); // never goes back
    expect(await store.dueTimers(10_000)).toEqual([]);
    expect((await store.outboxHead(10)).map((r) => JSON.parse(r).eventId)).toEqual(['e1', 'e2', 'e3']);
    expect((await redis.lrange(store.keys.recent, 0, -1)).map((r) => JSON.parse(r).eventId)).toEqual(['e3', 'e2']);
    expect((await store.load(['X', 'Y'])).versions).toEqual(new Map([['X', 2], ['Y', 0]]));
  });

  it('removes from the outbox exactly what was sent, once, even when another flusher removed it first', async () => {
    const sent: string[][] = [];
    const outbox = (send: (rows: string[]) => Promise<void>) => new Outbox({ redis, outboxKey: store.keys.outbox, send, batchSize: 2, shared: true });
    // while the first two are being sent, another flusher sends and removes them
    const other = outbox(async (rows) => void sent.push(rows.map((r) => JSON.parse(r).eventId)));
    const first = outbox(async (rows) => {
      sent.push(rows.map((r) => JSON.parse(r).eventId));
      if (sent.length === 1) await other.flush();
    });
    await first.flush();
    // duplicates are allowed (same eventIds), losses are not; nothing is removed twice
    expect(sent).toEqual([['e1', 'e2'], ['e1', 'e2'], ['e3'], ['e3']].slice(0, sent.length));
    expect(new Set(sent.flat())).toEqual(new Set(['e1', 'e2', 'e3']));
    expect(await store.outboxHead(10)).toEqual([]);
    expect(await first.flush()).toBe(0);
  });
});
