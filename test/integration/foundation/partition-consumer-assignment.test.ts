import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startPartitionConsumer, type RunningConsumer } from '@tierflow/runtime/kafka/partition-consumer';
import { createLogger } from '@tierflow/runtime/service/logger';
import { deleteTopics, produce, testKafka } from '../../../tools/testkit/src/kafka-io';

const kafka = testKafka();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

// Right after a broker restart the join's follow-up (seek to Redis's position, flush the outbox a
// crashed owner left) often meets a server that is not answering yet. It used to be logged and
// dropped: the outbox then waited for the next rebalance. Now it is tried again.
describe('the partition consumer after an assignment', () => {
  it('runs onAssigned again when it fails, until it succeeds, and consumes meanwhile', async () => {
    const topic = `t-assign-${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    cleanups.push(() => deleteTopics(kafka, [topic]));
    await produce(kafka, topic, Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));

    const lines: string[] = [];
    const logger = createLogger({ name: 'test', destination: { write: (l: string) => void lines.push(l) } });
    let calls = 0;
    let applied: bigint | null = null;
    let consumed = 0;
    let fatal: Error | null = null;
    const running: RunningConsumer = await startPartitionConsumer({
      kafka, groupId: `g-${randomUUID().slice(0, 8)}`, topics: [topic], logger,
      appliedOffset: async () => applied,
      onAssigned: async () => {
        calls += 1;
        if (calls <= 2) throw new Error(`the outbox is not reachable yet (${calls})`);
      },
      handleBatch: async (b) => {
        consumed += b.messages.length;
        applied = BigInt(b.messages[b.messages.length - 1]!.offset);
      },
      onFatal: (err) => {
        fatal = err;
      },
    });
    cleanups.push(() => running.stop());
    const deadline = Date.now() + 30_000;
    while ((calls < 3 || consumed < 50) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(3);
    expect(consumed).toBe(50);
    expect(fatal).toBeNull();
    const retries = lines.map((l) => JSON.parse(l) as { msg: string; attempt?: number }).filter((l) => l.msg.startsWith('could not take up the assigned partitions yet'));
    expect(retries.map((l) => l.attempt)).toEqual([1, 2]);
  }, 60_000);
});
