import type { Redis } from 'ioredis';

/** Bytes Redis reports (MEMORY USAGE) for every key under a prefix. */
export async function prefixBytes(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let total = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.memory('USAGE', k, 'SAMPLES', '0');
    for (const [, v] of (await pipeline.exec()) ?? []) total += Number(v ?? 0);
    cursor = next;
  } while (cursor !== '0');
  return total;
}
