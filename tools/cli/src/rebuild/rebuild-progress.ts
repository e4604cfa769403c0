import type { Admin } from 'kafkajs';
import type { Redis } from '@tierflow/runtime/redis/redis-client';
import { readAppliedOffset } from '@tierflow/contracts/keyspace/aggregator/applied-offset-reader';
import { readRankerOffsets } from '@tierflow/contracts/keyspace/ranker/rank-store-reader';

export interface Progress {
  done: number;
  total: number;
}

/** Records of a topic between its low and high watermarks, per partition. */
export async function topicExtent(admin: Admin, topic: string): Promise<Array<{ partition: number; low: bigint; high: bigint }>> {
  return (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
}

/** How far the aggregator has applied the transactions topic (its offsets in Redis, read with its own function). */
export async function aggregatorProgress(params: { admin: Admin; redis: Redis; prefix: string; topic: string }): Promise<Progress> {
  const extent = await topicExtent(params.admin, params.topic);
  let done = 0n;
  let total = 0n;
  for (const p of extent) {
    total += p.high - p.low;
    const applied = await readAppliedOffset(params.redis, params.prefix, params.topic, p.partition);
    if (applied !== null) done += applied + 1n - p.low;
  }
  return { done: Number(done), total: Number(total) };
}

/** How far the ranker has applied customer.aggregates (its offsets, read with its own function). */
export async function rankerProgress(params: { admin: Admin; redis: Redis; prefix: string; topic: string }): Promise<Progress> {
  const extent = await topicExtent(params.admin, params.topic);
  const applied = await readRankerOffsets(params.redis, params.prefix, params.topic);
  let done = 0n;
  let total = 0n;
  for (const p of extent) {
    total += p.high - p.low;
    const v = applied.get(p.partition);
    if (v !== undefined) done += v + 1n - p.low;
  }
  return { done: Number(done), total: Number(total) };
}
