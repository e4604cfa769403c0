import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { runCli, topicEnv } from './cli-process';

const config = connectionConfig();
const topics = topicsWithSuffix(randomUUID());
const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'test-simulate', logger: createLogger({ name: 'test', level: 'warn' }) });

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topics.transactions, topics.profiles] }).catch(() => undefined);
  await admin.disconnect();
});

async function readAll(topic: string, until: (n: number) => boolean): Promise<Array<{ key: string; value: Record<string, unknown> }>> {
  const codec = new SchemaCodec({ registryUrl: config.registryUrl });
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const out: Array<{ key: string; value: Record<string, unknown> }> = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        out.push({ key: message.key?.toString() ?? '', value: await codec.decode(message.value) });
        if (until(out.length)) resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}

describe('tierflow simulate', () => {
  it('writes profiles, then history days, then live events at the asked rate', async () => {
    const started = Date.now();
    const res = await runCli(['simulate', '--customers', '60', '--history-days', '5', '--rate', '40', '--live-seconds', '3', '--seed', '3'], topicEnv(topics));
    expect(res.stderr).not.toMatch(/tierflow:/);
    expect(res.code).toBe(0);
    const m = /simulated (\d+) profiles, (\d+) history events, (\d+) live events/.exec(res.stdout);
    expect(m).not.toBeNull();
    const [, profiles, history, live] = (m as RegExpExecArray).map(Number) as [number, number, number, number];
    expect(profiles).toBe(60);
    expect(history).toBeGreaterThan(20);
    // 40 events/s for 3 s, ticked every 250 ms
    expect(live).toBeGreaterThanOrEqual(80);
    expect(live).toBeLessThanOrEqual(140);

    const profileRecords = await readAll(topics.profiles, (n) => n >= 60);
    expect(new Set(profileRecords.map((p) => p.key)).size).toBe(60);
    for (const p of profileRecords) {
      expect(p.value.customerId).toBe(p.key);
      expect(p.value.region).toMatch(/^(north|south|east|west|central)$/);
      expect(p.value.accountManager).toMatch(/@tierflow\.example$/);
    }

    const tx = await readAll(topics.transactions, (n) => n >= history + live);
    expect(tx).toHaveLength(history + live);
    const today = Math.floor(started / 86_400_000) * 86_400_000;
    const historyTx = tx.filter((t) => (t.value.occurredAt as number) < today);
    const liveTx = tx.filter((t) => (t.value.occurredAt as number) >= started - 1000);
    expect(historyTx).toHaveLength(history);
    expect(liveTx).toHaveLength(live);
    expect(new Set(tx.map((t) => t.value.transactionId)).size).toBe(tx.length);
    expect(tx.every((t) => t.key === t.value.customerId && t.value.currency === 'USD')).toBe(true);
  });
});
