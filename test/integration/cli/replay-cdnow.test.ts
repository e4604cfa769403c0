import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { runCli, topicEnv } from './cli-process';

import { CDNOW_MASTER as CDNOW } from '../../support/shared-data';
const config = connectionConfig();
const topics = topicsWithSuffix(randomUUID());
const logger = createLogger({ name: 'test', level: 'warn' });
const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'test-replay', logger });

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topics.transactions, topics.profiles] }).catch(() => undefined);
  await admin.disconnect();
});

describe('tierflow replay cdnow', () => {
  it('writes every CDNOW purchase as a USD CHARGE in cents with deterministic ids', async () => {
    // the expectation, computed independently from the file: purchases and total cents
    const lines = readFileSync(CDNOW, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
    const expectedCents = lines.reduce((s, l) => s + Math.round(Number(l.trim().split(/\s+/)[3]) * 100), 0);

    const res = await runCli(['replay', 'cdnow', '--file', CDNOW], topicEnv(topics), 300_000);
    expect(res.stderr).not.toMatch(/tierflow:/);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`replayed ${lines.length} CDNOW purchases to ${topics.transactions}`);

    const codec = new SchemaCodec({ registryUrl: config.registryUrl });
    const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.transactions, fromBeginning: true });
    const ids = new Set<string>();
    let cents = 0;
    let first: Record<string, unknown> | null = null;
    const partitions = new Set<number>();
    await new Promise<void>((resolve, reject) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          partitions.add(batch.partition);
          for (const m of batch.messages) {
            const e = await codec.decode<Record<string, unknown>>(m.value);
            if (e.customerId !== m.key?.toString()) reject(new Error(`key ${m.key?.toString()} != customerId ${String(e.customerId)}`));
            if (e.transactionId === 'cdnow-00001-19970101-0') first = e;
            ids.add(e.transactionId as string);
            cents += e.amountMinor as number;
          }
          if (ids.size >= lines.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(ids.size).toBe(lines.length);
    expect(cents).toBe(expectedCents);
    expect(partitions.size).toBe(6);
    expect(first).toMatchObject({ customerId: 'cdnow-00001', kind: 'CHARGE', amountMinor: 1177, currency: 'USD', product: 'cds:1' });
  });
});
