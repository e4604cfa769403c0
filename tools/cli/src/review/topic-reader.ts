import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';

/**
 * Every record of a topic written since `sinceMs` (Kafka record time), decoded, up to the end
 * offsets at the time of the call. A throw-away consumer group reads and leaves.
 */
export async function readTopicSince<T>(params: { kafka: Kafka; codec: SchemaCodec; topic: string; sinceMs: number }): Promise<T[]> {
  const { kafka, codec, topic } = params;
  const admin = kafka.admin();
  await admin.connect();
  let starts: Array<{ partition: number; offset: string }>;
  let ends: Array<{ partition: number; high: string }>;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    starts = await admin.fetchTopicOffsetsByTimestamp(topic, params.sinceMs);
    ends = (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, high: o.high }));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map<number, bigint>();
  for (const e of ends) {
    const start = BigInt(starts.find((s) => s.partition === e.partition)?.offset ?? e.high);
    const start0 = start < 0n ? BigInt(e.high) : start;
    if (BigInt(e.high) > start0) remaining.set(e.partition, BigInt(e.high));
  }
  if (remaining.size === 0) return [];
  const out: T[] = [];
  const consumer = kafka.consumer({ groupId: `tierflow-review-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined) return;
            out.push(await codec.decode<T>(message.value));
            if (BigInt(message.offset) + 1n >= end) {
              remaining.delete(partition);
              if (remaining.size === 0) resolve();
            }
          },
        })
        .catch(reject);
      for (const s of starts) {
        if (remaining.has(s.partition)) consumer.seek({ topic, partition: s.partition, offset: BigInt(s.offset) < 0n ? '0' : s.offset });
      }
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
