import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { AlertStore } from '../../../services/alerter/src/alert-store';
import type { Alert } from '../../../shared/domain/src/alerts/alert-types';
import { seenSlot } from '../../../shared/contracts/src/keyspace/alerter/seen-bucket';

const prefix = `test:als:${randomUUID()}:`;
let redis: Redis;
let store: AlertStore;
const alert = (alertId: string) => ({ alertId, kind: 'review', customerId: 'X' }) as Alert;

beforeAll(() => {
  redis = new Redis(connectionConfig().redisUrl);
  store = new AlertStore({ redis, prefix, dedupeTtlSeconds: 60 });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('alerter Lua scripts on a real Redis', () => {
  it('the input commit: queues each alertId once, fenced by the input offset', async () => {
    expect(await store.enqueue('t', 0, '3', [alert('a'), alert('b')])).toBe(2);
    expect(await store.enqueue('t', 0, '3', [alert('c')])).toBe(-1); // batch already applied
    expect(await store.enqueue('t', 0, '7', [alert('b'), alert('c')])).toBe(1); // b seen before
    expect(await store.appliedOffset('t', 0)).toBe(7n);
    expect(await store.queueLength()).toBe(3);
    expect(await redis.ttl(store.keys.seen('a'))).toBeGreaterThan(50);
  });

  it('the input commit: a key of a period is one field of its bucket hash, queued once, the hash expiring', async () => {
    const other = new AlertStore({ redis, prefix: `${prefix}p:`, dedupeTtlSeconds: 60 });
    const periodic = (alertId: string, customerId: string) => ({ alertId, kind: 'review', customerId, dedupeKey: `${customerId}|review|2025-06-16` }) as Alert;
    expect(await other.enqueue('t', 0, '1', [periodic('p1', 'X'), alert('q1'), periodic('p2', 'X'), periodic('p3', 'Y')])).toBe(3);
    expect(await other.enqueue('t', 0, '2', [periodic('p4', 'Y'), periodic('p5', 'Z')])).toBe(1);
    // in alert order, each key once
    const queued = (await redis.lrange(other.keys.queue, 0, -1)).map((r) => JSON.parse(r).alertId);
    expect(queued).toEqual(['p1', 'q1', 'p3', 'p5']);
    const slot = seenSlot('X|review|2025-06-16')!;
    const hash = other.keys.seenPeriod(slot.period, slot.bucket);
    expect(await redis.hget(hash, 'X|review')).toBe('1');
    expect(await redis.ttl(hash)).toBeGreaterThan(50);
    expect(await redis.object('ENCODING', hash)).toBe('listpack');
  });

  it('complete-alert.lua: takes off only the head it handled, dead-letters on failure', async () => {
    const head = (await store.head())!;
    expect(JSON.parse(head).alertId).toBe('a');
    expect(await store.complete(JSON.stringify(alert('b')), 'delivered')).toBe(false); // not the head
    expect(await store.complete(head, 'delivered')).toBe(true);
    const next = (await store.head())!;
    const dead = { alert: alert('b'), code: 'HTTP_STATUS', reason: 'webhook answered 500', attempts: 3, at: 1 };
    expect(await store.complete(next, 'dead', dead)).toBe(true);
    expect(await store.deadLetters()).toEqual([dead]);
    expect(await redis.hgetall(store.keys.stats)).toEqual({ delivered: '1', dead: '1' });
  });

  it('hold-lease.lua: one holder at a time, renewable, free after release or expiry', async () => {
    expect(await store.holdLease('one', 300)).toBe(true);
    expect(await store.holdLease('two', 300)).toBe(false);
    expect(await store.holdLease('one', 300)).toBe(true);
    await store.releaseLease('one');
    expect(await store.holdLease('two', 100)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.holdLease('one', 100)).toBe(true);
  });
});
