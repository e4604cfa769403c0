import avro from 'avsc';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { frame } from '@tierflow/runtime/codec/wire-format';
import { PARTITIONS, dropPrefix, pipelineFixture, readCustomers, toMessage } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { registerForeignSchema, startRegistryProxy } from '../../support/registry-proxy';
import { startService } from '../../../tools/testkit/src/service-process';
import type { FixtureEvent } from '../../../tools/testkit/src/transaction-fixtures';

/**
 * Poison records at decode (issue 14): a schema id that resolves to a JSON Schema or Protobuf
 * schema, and a registry (here a proxy in front of it) that answers HTML. Each must end in the
 * dead-letter topic with its code while the records after it are applied; an outage (503) is
 * retried, never dead-lettered.
 */
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const registryUrl = connectionConfig().registryUrl;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  redis.disconnect();
});

const customer = 'C-poison';
const partition = partitionOfKey(customer, PARTITIONS); // one partition: the poison sits between good records
const good = (i: number): FixtureEvent => ({
  transactionId: `good-${i}`, customerId: customer, occurredAt: Date.UTC(2026, 0, 1) + i * 60_000, kind: 'CHARGE',
  amountMinor: 1_000 + i, costMinor: 100, currency: 'USD', product: null,
});
const sum = (n: number) => Array.from({ length: n }, (_, i) => 1_000 + i).reduce((a, b) => a + b, 0);

async function waitTxCount(prefix: string, n: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await readCustomers(redis, prefix, [customer])).get(customer);
    if (state && state.txCount >= n) return state;
    if (Date.now() > deadline) throw new Error(`customer has ${state?.txCount} transactions, expected ${n}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A second Avro schema for the same events (one more optional field): an id the aggregator has never seen. */
async function registerVariant(subject: string, extraField: string): Promise<{ id: number; type: avro.Type }> {
  const schema = JSON.parse(await readSchemaFile('TransactionEvent.avsc')) as { fields: unknown[] };
  schema.fields.push({ name: extraField, type: ['null', 'string'], default: null });
  const res = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  expect(res.ok).toBe(true);
  return { id: ((await res.json()) as { id: number }).id, type: avro.Type.forSchema(schema as avro.Schema) };
}

describe('aggregator: poison records at decode', () => {
  it('a schema id of a JSON Schema or a Protobuf schema: dead-lettered as NOT_AVRO_SCHEMA, later records applied', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const jsonId = await registerForeignSchema(registryUrl, `${f.topics.transactions}-json-value`, 'JSON', '{"type":"object","properties":{"a":{"type":"integer"}}}');
    const protoId = await registerForeignSchema(registryUrl, `${f.topics.transactions}-proto-value`, 'PROTOBUF', 'syntax = "proto3"; message M { int32 a = 1; }');
    const poison = [
      { key: customer, value: frame(jsonId, Buffer.from('{"a":1}')) },
      { key: customer, value: frame(protoId, Buffer.from([0, 8, 1])) },
    ];
    const enc = (e: FixtureEvent) => toMessage(f.codec, f.txSchemaId, e);
    const messages = [...[0, 1, 2].map((i) => enc(good(i))), ...poison, ...[3, 4, 5].map((i) => enc(good(i)))];
    await produce(kafka, f.topics.transactions, messages.map((m) => ({ ...m, partition })));
    const s = await startService('aggregator', f.envFor('aggregator'));
    cleanups.push(async () => void (await s.stop()));
    await s.ready();

    const state = await waitTxCount(f.prefix, 6);
    expect(state.revenueMinor).toBe(sum(6));
    const dlq = await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= 2);
    expect(dlq.map((m) => headerText(m.headers, 'tierflow.dlq.code'))).toEqual(['NOT_AVRO_SCHEMA', 'NOT_AVRO_SCHEMA']);
    expect(headerText(dlq[0]!.headers, 'tierflow.dlq.reason')).toMatch(/JSON schema, not Avro/);
    expect(headerText(dlq[1]!.headers, 'tierflow.dlq.reason')).toMatch(/PROTOBUF schema, not Avro/);
    dlq.forEach((m, i) => expect(Buffer.compare(m.value!, poison[i]!.value)).toBe(0)); // the original bytes
    // records after the poison keep flowing
    await produce(kafka, f.topics.transactions, [{ ...enc(good(6)), partition }]);
    expect((await waitTxCount(f.prefix, 7)).revenueMinor).toBe(sum(7));
  });

  it('an HTML answer from the registry: BAD_REGISTRY_ANSWER after bounded retries, later records applied; a 503 is retried, not dead-lettered', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const proxy = await startRegistryProxy(registryUrl);
    cleanups.push(() => proxy.close());
    const variant = await registerVariant(`${f.topics.transactions}-variant-value`, 'note');
    const htmlPoison = { key: customer, value: frame(variant.id, variant.type.toBuffer({ ...good(100), transactionId: 'html-1', note: null })) };
    const enc = (e: FixtureEvent) => toMessage(f.codec, f.txSchemaId, e);
    await produce(kafka, f.topics.transactions, [...[0, 1].map((i) => enc(good(i))), htmlPoison, ...[2, 3].map((i) => enc(good(i)))].map((m) => ({ ...m, partition })));
    // the aggregator registers its schemas through the proxy (passed through) and caches them,
    // so only the id it has never seen is looked up, and answered with HTML
    const s = await startService('aggregator', f.envFor('aggregator', { SCHEMA_REGISTRY_URL: proxy.url }));
    cleanups.push(async () => void (await s.stop()));
    await s.ready();

    expect((await waitTxCount(f.prefix, 4)).revenueMinor).toBe(sum(4));
    const dlq = await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= 1);
    expect(dlq.map((m) => headerText(m.headers, 'tierflow.dlq.code'))).toEqual(['BAD_REGISTRY_ANSWER']);
    expect(headerText(dlq[0]!.headers, 'tierflow.dlq.reason')).toMatch(/not JSON.*after 3 attempts/);
    expect(proxy.idLookups()).toBe(3); // bounded: three attempts, then the record is given up on

    // an outage: a record with another unseen id waits (retried, not dead-lettered) until the registry is back
    proxy.setMode('unavailable');
    const later = await registerVariant(`${f.topics.transactions}-later-value`, 'memo');
    const waiting = { key: customer, value: frame(later.id, later.type.toBuffer({ ...good(4), memo: 'x' })) };
    await produce(kafka, f.topics.transactions, [{ ...waiting, partition }, { ...enc(good(5)), partition }]);
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await readCustomers(redis, f.prefix, [customer])).get(customer)!.txCount).toBe(4);
    expect(proxy.idLookups()).toBeGreaterThan(3); // it kept asking
    proxy.setMode('pass');
    const state = await waitTxCount(f.prefix, 6, 120_000);
    expect(state.revenueMinor).toBe(sum(6));
    const after = await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= 1);
    expect(after).toHaveLength(1); // nothing of the outage was dead-lettered
  });
});
