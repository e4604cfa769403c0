import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { FencedCommit, MAX_ARGS } from '../../../shared/runtime/src/exactly-once/fenced-commit';
import { ScriptError } from '../../../shared/runtime/src/redis/scripts';

describe('the fenced commit on the real Redis', () => {
  const redis = new Redis(connectionConfig().redisUrl);
  const base = `t-fc-${randomUUID().slice(0, 8)}:{fc}:`;
  const fence = `${base}fence`;
  const commit = () => new FencedCommit(fence, base);

  afterAll(async () => {
    const keys = await redis.keys(`${base}*`);
    if (keys.length > 0) await redis.unlink(...keys);
    redis.disconnect();
  });

  it('HCAP keeps a capped history of lines in a hash field, newest first; HNXPUSH queues each hash field once', async () => {
    await commit().add('HCAP', 'hist', ['3', 'a', 'a2\na1', 'b', 'b1']).run(redis);
    await commit().add('HCAP', 'hist', ['3', 'a', 'a3', 'b', 'b3\nb2']).run(redis);
    await commit().add('HCAP', 'hist', ['3', 'a', 'a5\na4']).run(redis);
    expect(await redis.hgetall(`${base}hist`)).toEqual({ a: 'a5\na4\na3', b: 'b3\nb2\nb1' });
    await commit().add('HCAP', 'hist', ['1', 'c', 'c2\nc1']).run(redis);
    expect(await redis.hget(`${base}hist`, 'c')).toBe('c2');
    const out = await commit().payload(['e1', 'e2', 'e3']).add('HNXPUSH', 'q', ['60', 'hseen:1', 'x', '1', 'hseen:1', 'x', '2', 'hseen:2', 'x', '3']).run(redis);
    expect(out).toEqual({ committed: true, queued: 2 });
    expect(await redis.lrange(`${base}q`, 0, -1)).toEqual(['e1', 'e3']);
    expect(await redis.ttl(`${base}hseen:1`)).toBeGreaterThan(50);
  });

  it('runs each command, then the fence update, when every guard holds', async () => {
    await redis.hset(`${base}h`, 'gone', 'x');
    await redis.sadd(`${base}s`, 'a', 'b');
    await redis.rpush(`${base}l`, '1', '2', '3');
    await redis.set(`${base}d`, 'x');
    const out = await commit()
      .guardEquals('token', 'fence', 'ver', null)
      .guardBelow('offset', 'fence', 'off', '5')
      .add('HSET', 'h', ['f1', 'v1', 'f2', 'v2'])
      .add('HDEL', 'h', ['gone'])
      .add('HINCRBY', 'n', ['a', '2', 'b', '3', 'a', '1'])
      .add('HMAX', 'm', ['low', '-1', 'hi', '7'])
      .add('SADD', 's', ['c'])
      .add('SREM', 's', ['a'])
      .add('DEL', 'd', [])
      .add('ZADD', 'z', ['1', 'x', '2', 'y'])
      .add('ZREM', 'z', ['x'])
      .add('RPUSH', 'l', ['4'])
      .add('LPUSH', 'l', ['0'])
      .add('LTRIM', 'l', ['0', '3'])
      .fence('fence', 'ver', 'tok-1')
      .fence('fence', 'off', '5')
      .run(redis);
    expect(out).toEqual({ committed: true, queued: 0 });
    expect(await redis.hgetall(`${base}h`)).toEqual({ f1: 'v1', f2: 'v2' });
    expect(await redis.hgetall(`${base}n`)).toEqual({ a: '3', b: '3' });
    // "set if greater", absent counting as 0
    expect(await redis.hgetall(`${base}m`)).toEqual({ hi: '7' });
    expect((await redis.smembers(`${base}s`)).sort()).toEqual(['b', 'c']);
    expect(await redis.exists(`${base}d`)).toBe(0);
    expect(await redis.zrange(`${base}z`, 0, -1)).toEqual(['y']);
    expect(await redis.lrange(`${base}l`, 0, -1)).toEqual(['0', '1', '2', '3']);
    expect(await redis.hgetall(fence)).toEqual({ ver: 'tok-1', off: '5' });
  });

  it('writes nothing when a guard fails, and names it with the stored value', async () => {
    const before = await redis.hgetall(`${base}h`);
    const eq = await commit().guardEquals('token', 'fence', 'ver', 'stale').add('HSET', 'h', ['f1', 'changed']).fence('fence', 'ver', 'x').run(redis);
    expect(eq).toEqual({ committed: false, guard: 'token', stored: 'tok-1' });
    const absent = await commit().guardEquals('token', 'fence', 'ver', 'tok-1').guardEquals('version:c1', 'v', 'c1', '3').add('HSET', 'h', ['f1', 'changed']).run(redis);
    expect(absent).toEqual({ committed: false, guard: 'version:c1', stored: null });
    // an offset at or below the stored one is already applied
    for (const at of ['5', '4']) {
      const below = await commit().guardBelow('offset', 'fence', 'off', at).add('HSET', 'h', ['f1', 'changed']).run(redis);
      expect(below).toEqual({ committed: false, guard: 'offset', stored: '5' });
    }
    expect(await redis.hgetall(`${base}h`)).toEqual(before);
    expect(await redis.hgetall(fence)).toEqual({ ver: 'tok-1', off: '5' });
    expect(await (await commit().guardBelow('offset', 'fence', 'off', '6').run(redis)).committed).toBe(true);
  });

  it('refers to payload entries by number: ERPUSH, ECAP, HIST', async () => {
    const entries = ['e1', 'e2', 'e3'];
    const out = await commit()
      .payload(entries)
      .add('ERPUSH', 'outbox', ['1', '2', '3'])
      .add('ECAP', 'recent', ['2', '1', '2', '3'])
      .add('HIST', 'hist:', ['2', 'a', '1', 'a', '2', 'a', '3', 'b', '3'])
      .run(redis);
    expect(out.committed).toBe(true);
    expect(await redis.lrange(`${base}outbox`, 0, -1)).toEqual(entries);
    expect(await redis.lrange(`${base}recent`, 0, -1)).toEqual(['e3', 'e2']);
    expect(await redis.lrange(`${base}hist:a`, 0, -1)).toEqual(['e3', 'e2']);
    expect(await redis.lrange(`${base}hist:b`, 0, -1)).toEqual(['e3']);
  });

  it('NXPUSH queues an entry once per seen key, and counts what it queued', async () => {
    const first = await commit().payload(['a1', 'a2']).add('NXPUSH', 'queue', ['60', 'seen:1', '1', 'seen:2', '2']).run(redis);
    expect(first).toEqual({ committed: true, queued: 2 });
    const again = await commit().payload(['a1b', 'a3']).add('NXPUSH', 'queue', ['60', 'seen:1', '1', 'seen:3', '2']).run(redis);
    expect(again).toEqual({ committed: true, queued: 1 });
    expect(await redis.lrange(`${base}queue`, 0, -1)).toEqual(['a1', 'a2', 'a3']);
    const ttl = await redis.ttl(`${base}seen:3`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('splits argument lists longer than MAX_ARGS (caps and ttls repeated, pairs whole)', async () => {
    const fields: string[] = [];
    for (let i = 0; i < MAX_ARGS * 12; i++) fields.push(`f${i}`, String(i));
    const entries = Array.from({ length: MAX_ARGS + 10 }, (_, i) => `x${i}`);
    const numbers = entries.map((_, i) => String(i + 1));
    const out = await commit()
      .payload(entries)
      .add('HSET', 'big', fields)
      .add('ERPUSH', 'bigout', numbers)
      .add('ECAP', 'bigcap', ['5', ...numbers])
      .run(redis);
    expect(out.committed).toBe(true);
    expect(await redis.hlen(`${base}big`)).toBe(MAX_ARGS * 12);
    expect(await redis.hget(`${base}big`, `f${MAX_ARGS * 12 - 1}`)).toBe(String(MAX_ARGS * 12 - 1));
    expect(await redis.llen(`${base}bigout`)).toBe(entries.length);
    expect(await redis.lrange(`${base}bigcap`, 0, -1)).toEqual(entries.slice(-5).reverse());
  });

  it('refuses a command outside the allow-list with a ScriptError, before any write', async () => {
    const c = commit().add('HSET', 'refused', ['f', 'v']);
    (c as unknown as { add(cmd: string, key: string, args: string[]): FencedCommit }).add('FLUSHALL', 'x', ['y']);
    const err = await c.run(redis).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect((err as ScriptError).code).toBe('SCRIPT_NOT_ALLOWED');
    expect(await redis.exists(`${base}refused`)).toBe(0);
  });
});
