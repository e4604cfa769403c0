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

/**
 * How far the aggregator has taken its inputs: billing.transactions (the position Redis records
 * per partition, read with its own function; with REPARTITION_MODE=hop the repartition group's
 * committed offset, whichever is further) and the by-customer topic (the shards' applied offsets;
 * it holds only the forwarded records unless REPARTITION_MODE=hop).
 */
export async function aggregatorProgress(params: {
  admin: Admin; redis: Redis; prefix: string; transactions: string; byCustomer: string; repartitionGroup: string;
}): Promise<Progress> {
  const [committed] = await params.admin.fetchOffsets({ groupId: params.repartitionGroup, topics: [params.transactions] });
  const forwarded = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  let done = 0n;
  let total = 0n;
  for (const topic of [params.transactions, params.byCustomer]) {
    for (const p of await topicExtent(params.admin, topic)) {
      total += p.high - p.low;
      const applied = await readAppliedOffset(params.redis, params.prefix, topic, p.partition);
      let next = applied === null ? p.low : applied + 1n;
      const hop = topic === params.transactions ? forwarded.get(p.partition) : undefined;
      if (hop !== undefined && hop > next) next = hop;
      if (next > p.low) done += next - p.low;
    }
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
