import type { Redis } from 'ioredis';
import { metaKey, offsetField } from './aggregator-keys';

/**
 * The aggregator's applied source offsets: field `off:<topic>:<partition>` of the partition's
 * meta hash. Written only by services/aggregator (its apply script, in the same call as the
 * batch it records); read by the aggregator itself (to skip what is applied) and the CLI's
 * rebuild progress.
 */

/** The last offset of topic-partition recorded as applied, or null. */
export async function readAppliedOffset(redis: Redis, prefix: string, topic: string, partition: number): Promise<bigint | null> {
  const v = await redis.hget(metaKey(prefix, partition), offsetField(topic, partition));
  return v === null ? null : BigInt(v);
}
