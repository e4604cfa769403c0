import type { Redis } from 'ioredis';
import type { Logger } from '../service/logger';

/** The smallest `hash-max-listpack-value` that keeps the aggregator's customer hashes listpack-encoded. */
export const MIN_HASH_LISTPACK_VALUE = 192;

/**
 * Warns (once, at start) when the Redis server would keep a customer's hash in its hashtable
 * encoding: its packed state is longer than the default 64-byte listpack value limit, and a
 * hashtable hash takes about three times the memory. Not fatal: the pipeline works the same,
 * it only needs more memory. A managed Redis that refuses CONFIG is reported, not failed.
 */
export async function checkHashEncodingLimits(redis: Redis, logger: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'hash-max-listpack-value')) as string[];
    const value = Number(reply[1]);
    if (Number.isFinite(value) && value < MIN_HASH_LISTPACK_VALUE) {
      logger.warn({ setting: 'hash-max-listpack-value', value, recommended: 256 },
        `Redis hash-max-listpack-value is ${value}: customer hashes take ~3x the memory; set it to 256 (redis.conf or CONFIG SET)`);
    }
  } catch (err) {
    logger.info({ err: (err as Error).message }, 'could not read Redis hash-max-listpack-value (CONFIG refused): make sure it is at least 192');
  }
}
