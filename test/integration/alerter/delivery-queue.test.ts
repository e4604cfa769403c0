import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { AlertStore } from '../../../services/alerter/src/alert-store';
import { DeliveryQueue } from '../../../services/alerter/src/delivery-queue';
import type { Alert } from '../../../shared/domain/src/alerts/alert-types';

const prefix = `test:dq:${randomUUID()}:`;
let redis: Redis;
const alert = (alertId: string) => ({ alertId, kind: 'review', customerId: 'X' }) as Alert;

beforeAll(() => {
  redis = new Redis(connectionConfig().redisUrl);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('DeliveryQueue on a real Redis', () => {
  it('completions made at the same time go out together, each taken out wherever it is, each answered for itself', async () => {
    const store = new AlertStore({ redis, prefix, dedupeTtlSeconds: 60 });
    const queue = new DeliveryQueue({ redis, prefix });
    const ids = Array.from({ length: 40 }, (_, i) => `a${i}`);
    expect(await store.enqueue('t', 0, '1', ids.map(alert))).toBe(40);
    const raws = await queue.window(40);
    expect(raws.map((r) => (JSON.parse(r) as Alert).alertId)).toEqual(ids);

    const calls: string[] = [];
    const monitor = await redis.duplicate().monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (/^eval(sha)?$/i.test(args[0] ?? '')) calls.push(args[0]!); // the script calls, not the commands inside them
    });
    // every other one delivered, a3 dead, a5 twice (the second finds it gone), out of queue order
    const dead = { alert: alert('a3'), code: 'HTTP_400', reason: 'refused', attempts: 1, at: 1 };
    const done = await Promise.all([
      ...[9, 7, 5, 1].map((i) => queue.complete(raws[i]!, 'delivered')),
      queue.complete(raws[3]!, 'dead', dead),
      queue.complete(raws[5]!, 'delivered'),
    ]);
    await new Promise((r) => setTimeout(r, 200)); // the monitor's feed lags the commands
    monitor.disconnect();
    expect(done).toEqual([true, true, true, true, true, false]);
    // the first call goes alone; the five made while it ran go together
    expect(calls.length).toBe(2);

    const left = (await queue.window(100)).map((r) => (JSON.parse(r) as Alert).alertId);
    expect(left).toEqual(ids.filter((id) => !['a1', 'a3', 'a5', 'a7', 'a9'].includes(id)));
    expect(await redis.hgetall(store.keys.stats)).toEqual({ delivered: '4', dead: '1' });
    expect((await store.deadLetters()).map((d) => d.alert.alertId)).toEqual(['a3']);

    // at the head, in queue order (as the log sink finishes them): popped, one after the other
    expect(await Promise.all([0, 2, 4].map((i) => queue.complete(raws[i]!, 'delivered')))).toEqual([true, true, true]);
    const after = (await queue.window(100)).map((r) => (JSON.parse(r) as Alert).alertId);
    expect(after.slice(0, 3)).toEqual(['a6', 'a8', 'a10']);
    expect(after).toHaveLength(32);
    expect(await redis.hget(store.keys.stats, 'delivered')).toBe('7');
  });
});
