import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';

/**
 * Waits until a service that stores its applied offsets in a Redis hash (fields
 * `<topic>:<partition>`: churn-watch's `{cw}:offsets`, the alerter's `{al}:offsets`) has applied
 * every record of the given topics: each partition's stored offset is at its end - 1 (a
 * partition with no records needs none), over a few polls in a row.
 */
export async function waitConsumed(redis: Redis, offsetsKey: string, topics: string[], kafka: Kafka, timeoutMs = 600_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let stable = 0;
    for (;;) {
      let behind = 0;
      for (const topic of topics) {
        for (const o of await admin.fetchTopicOffsets(topic)) {
          if (Number(o.high) <= Number(o.low)) continue;
          const applied = Number((await redis.hget(offsetsKey, `${topic}:${o.partition}`)) ?? -1);
          behind += Math.max(0, Number(o.high) - 1 - applied);
        }
      }
      stable = behind === 0 ? stable + 1 : 0;
      if (stable >= 3) return;
      if (Date.now() > deadline) throw new Error(`${offsetsKey}: still ${behind} records behind`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect();
  }
}
