import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { Outbox } from '../../../shared/runtime/src/exactly-once/outbox';

describe('the one outbox on the real Redis', () => {
  const redis = new Redis(connectionConfig().redisUrl);
  const key = `t-ob-${randomUUID().slice(0, 8)}:{ob}:outbox`;
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('sends the in-memory copy in order, in batches, and removes only what Kafka acknowledged', async () => {
    await redis.rpush(key, 'a', 'b', 'c');
    const sent: string[][] = [];
    let fail = true;
    const outbox = new Outbox({
      redis,
      outboxKey: key,
      batchSize: 2,
      window: 2,
      send: async (entries) => {
        if (entries[0] === 'c' && fail) {
          fail = false;
          throw new Error('broker down');
        }
        sent.push(entries);
      },
    });
    await outbox.load();
    await redis.rpush(key, 'd');
    outbox.enqueue(['d']);
    await expect(outbox.flush()).rejects.toThrow('broker down');
    // what was acknowledged is gone, the rest waits, in order
    expect(await redis.lrange(key, 0, -1)).toEqual(['c', 'd']);
    expect(outbox.pending).toBe(2);
    expect(await outbox.flush()).toBe(2);
    expect(sent).toEqual([['a', 'b'], ['c', 'd']]);
    expect(await redis.llen(key)).toBe(0);
    outbox.close();
  });

  it('removes exactly the sent entries when they are no longer the head', async () => {
    await redis.rpush(key, 'x', 'y', 'z');
    const outbox = new Outbox({
      redis,
      outboxKey: key,
      send: async () => {
        await redis.lpush(key, 'new-head'); // the head moved meanwhile
      },
    });
    await outbox.load();
    expect(await outbox.flush()).toBe(3);
    expect(await redis.lrange(key, 0, -1)).toEqual(['new-head']);
    outbox.close();
  });
});
