import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { AGGREGATE_FIELDS } from '../../../shared/contracts/src/keyspace/aggregator/aggregate-fields';
import { outboxKey, partitionBase } from '../../../shared/contracts/src/keyspace/aggregator/aggregator-keys';
import { PARTITIONS, aggregateType, dropPrefix, pipelineFixture, toMessage } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService } from '../../../tools/testkit/src/service-process';

/**
 * Poison at encode in the aggregator's emitter (issue 14): states in a partition's outbox that
 * no CustomerAggregate can carry (a fractional time, a count beyond 2^53). They are
 * dead-lettered with their codes, the good state beside them is sent, and the partition goes on.
 */
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  redis.disconnect();
});

const sameShard = (base: string, n: number, partition: number) => {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (partitionOfKey(`${base}-${i}`, PARTITIONS) === partition) out.push(`${base}-${i}`);
  return out;
};
const packed = (patch: Record<string, number | string>) => {
  const t = Date.UTC(2026, 0, 1);
  const base: Record<string, number | string> = Object.fromEntries(AGGREGATE_FIELDS.map((f) => [f, 1]));
  Object.assign(base, { seq: 1, eventTime: t, watermark: t, firstActivityAt: t, lastActivityAt: t, revenueMinor: 500, txCount: 1 }, patch);
  return AGGREGATE_FIELDS.map((f) => String(base[f])).join(':');
};

describe('aggregator: poison at encode', () => {
  it('a fractional time and an out-of-range count in the outbox are dead-lettered with their codes; the rest is sent and new input applied', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const partition = 2;
    const [fractional, huge, kept, later] = sameShard('C-enc', 4, partition) as [string, string, string, string];
    const base = partitionBase(f.prefix, partition);
    // what a crash left in the outbox (two states no Avro long can carry, one good)
    await redis.hset(`${base}c:${fractional}`, 's', packed({ eventTime: '1767225600000.5' }));
    await redis.hset(`${base}c:${huge}`, 's', packed({ txCount: String(2 ** 60) }));
    await redis.hset(`${base}c:${kept}`, 's', packed({ seq: 7, revenueMinor: 777 }));
    await redis.sadd(outboxKey(f.prefix, partition), fractional, huge, kept);

    const s = await startService('aggregator', f.envFor('aggregator'));
    cleanups.push(async () => void (await s.stop()));
    await s.ready();
    // a record for the shard: its assignment flushes the outbox, then the record is applied
    await produce(kafka, f.topics.transactions, [toMessage(f.codec, f.txSchemaId, {
      transactionId: 'after-1', customerId: later, occurredAt: Date.UTC(2026, 0, 2), kind: 'CHARGE', amountMinor: 4_200, costMinor: 0, currency: 'USD', product: null,
    })]);

    const dlq = await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= 2);
    const byKey = new Map(dlq.map((m) => [m.key?.toString(), m]));
    expect(headerText(byKey.get(fractional)?.headers, 'tierflow.dlq.code')).toBe('NOT_AN_INTEGER');
    expect(headerText(byKey.get(huge)?.headers, 'tierflow.dlq.code')).toBe('OUT_OF_RANGE');
    expect(headerText(byKey.get(huge)?.headers, 'tierflow.dlq.reason')).toMatch(/field txCount/);
    expect(headerText(byKey.get(fractional)?.headers, 'tierflow.dlq.target.topic')).toBe(f.topics.aggregates);
    expect(JSON.parse(byKey.get(fractional)!.value!.toString())).toEqual({ customerId: fractional, packed: packed({ eventTime: '1767225600000.5' }) });

    const type = await aggregateType();
    const out = await readTopic(kafka, f.topics.aggregates, (m) => m.some((x) => x.key?.toString() === later));
    const sent = out.map((m) => type.fromBuffer(m.value!.subarray(5)) as { customerId: string; seq: number; revenueMinor: number });
    expect(sent.find((a) => a.customerId === kept)).toMatchObject({ seq: 7, revenueMinor: 777 });
    expect(sent.find((a) => a.customerId === later)).toMatchObject({ revenueMinor: 4_200 });
    expect(sent.some((a) => a.customerId === fractional || a.customerId === huge)).toBe(false);
    for (let i = 0; i < 50 && (await redis.scard(outboxKey(f.prefix, partition))) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await redis.scard(outboxKey(f.prefix, partition))).toBe(0);
  });
});
