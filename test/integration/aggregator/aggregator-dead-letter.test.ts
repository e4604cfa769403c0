import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import { frame } from '@tierflow/runtime/codec/wire-format';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { PARTITIONS, dropPrefix, pipelineFixture, readCustomers, toMessage, waitApplied } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService } from '../../../tools/testkit/src/service-process';
import type { FixtureEvent } from '../../../tools/testkit/src/transaction-fixtures';

const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  redis.disconnect();
});

const good = (i: number, patch: Partial<FixtureEvent> = {}): FixtureEvent => ({
  transactionId: `ok-${i}`, customerId: 'C-good', occurredAt: Date.UTC(2026, 0, 1) + i * 60_000, kind: 'CHARGE',
  amountMinor: 1_000, costMinor: 400, currency: 'USD', product: null, ...patch,
});

describe('aggregator dead-letter topic', () => {
  it('sends every kind of bad record there with its original bytes and the reason, and keeps going', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const enc = (e: FixtureEvent) => toMessage(f.codec, f.txSchemaId, e);
    const garbage = randomBytes(64);
    garbage[0] = 0; // framed-looking garbage with a random schema id is still caught (unknown id or bad body)
    const bad = [
      { expect: 'BAD_MAGIC_BYTE', message: { key: 'C-x', value: randomBytes(40).fill(7, 0, 1) } },
      { expect: 'BAD_MAGIC_BYTE', message: { key: 'C-x', value: Buffer.concat([Buffer.from([1]), enc(good(0)).value as Buffer]) } },
      { expect: 'UNKNOWN_SCHEMA_ID', message: { key: 'C-x', value: frame(987_654_321, Buffer.from([2, 3])) } },
      { expect: 'TOO_SHORT', message: { key: 'C-x', value: Buffer.from([0, 0]) } },
      { expect: 'EMPTY_VALUE', message: { key: 'C-x', value: Buffer.alloc(0) } },
      { expect: 'BAD_PAYLOAD', message: { key: 'C-x', value: frame(f.txSchemaId, Buffer.from([255, 255, 255])) } },
      { expect: 'MISSING_CUSTOMER_ID', message: enc(good(1, { customerId: '' })) },
      { expect: 'AMOUNT_OUT_OF_RANGE', message: enc(good(2, { amountMinor: 5_000_000_000_000 })) },
      { expect: 'NEGATIVE_AMOUNT', message: enc(good(3, { kind: 'REFUND', amountMinor: -10 })) },
      { expect: 'CURRENCY_NOT_REPORTING', message: enc(good(4, { currency: 'EUR' })) },
      { expect: 'OCCURRED_IN_FUTURE', message: enc(good(5, { occurredAt: Date.now() + 30 * 86_400_000 })) },
      { expect: 'KEY_MISMATCH', message: { ...enc(good(6)), key: 'C-someone-else' } },
      { expect: 'CONFLICTING_TRANSACTION_ID', message: enc(good(10, { amountMinor: 99_999 })) }, // ok-10 resent with other content
    ];
    const valid = Array.from({ length: 20 }, (_, i) => good(10 + i));
    // valid records before and after the bad ones: the consumer must not stall on them
    const messages = [...valid.slice(0, 10).map(enc), ...bad.map((b) => ({ ...b.message, headers: { origin: 'test' } })), ...valid.slice(10).map(enc)];
    const partition = partitionOfKey('C-good', PARTITIONS); // all in C-good's partition, so offsets are in order
    await produce(kafka, f.topics.transactions, messages.map((m) => ({ ...m, partition })));
    const s = await startService('aggregator', f.envFor('aggregator'));
    await s.ready();
    await waitApplied(redis, f, kafka);

    const dlq = await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= bad.length);
    expect(dlq).toHaveLength(bad.length);
    const codes = dlq.map((m) => headerText(m.headers, 'tierflow.dlq.code'));
    expect(codes).toEqual(bad.map((b) => b.expect));
    dlq.forEach((m, i) => {
      expect(Buffer.compare(m.value!, bad[i]!.message.value as Buffer)).toBe(0); // original bytes
      expect(headerText(m.headers, 'origin')).toBe('test'); // original headers kept
      expect(headerText(m.headers, 'tierflow.dlq.reason')!.length).toBeGreaterThan(5);
      expect(headerText(m.headers, 'tierflow.dlq.source.topic')).toBe(f.topics.transactions);
      expect(headerText(m.headers, 'tierflow.dlq.source.partition')).toBe(String(partition));
      expect(Number(headerText(m.headers, 'tierflow.dlq.source.offset'))).toBe(10 + i);
    });
    // every valid record applied, none of the bad ones
    const [state] = [...(await readCustomers(redis, f.prefix, ['C-good'])).values()];
    expect(state!.txCount).toBe(20);
    expect(state!.revenueMinor).toBe(20 * 1_000);
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
    expect(metrics).toContain('tierflow_aggregator_dead_lettered_total{code="CONFLICTING_TRANSACTION_ID"} 1');
    await s.stop();
  });
});
