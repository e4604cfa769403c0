import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import avro from 'avsc';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';

const config = connectionConfig();
const kafka = testKafka();
const logger = createLogger({ name: 'test', level: 'silent' });
const topics: string[] = [];
afterAll(() => deleteTopics(kafka, topics));

const sampleEvent = () => ({
  transactionId: randomUUID(),
  customerId: 'C-42',
  occurredAt: Date.UTC(2026, 10, 27, 9, 30),
  kind: 'CHARGE',
  amountMinor: 123_456,
  costMinor: 80_000,
  currency: 'USD',
  product: 'fiber-1g',
});

async function newTopic(): Promise<string> {
  const topic = `test.codec.${randomUUID()}`;
  topics.push(topic);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

describe('schema codec against Apicurio and Kafka', () => {
  it('encodes, produces, consumes and decodes a TransactionEvent back equal; the registry lists the subject', async () => {
    const topic = await newTopic();
    const codec = new SchemaCodec({ registryUrl: config.registryUrl, logger });
    const id = await codec.registerFile(`${topic}-value`, 'TransactionEvent.avsc', 'BACKWARD');
    const event = sampleEvent();
    await produce(kafka, topic, [{ key: event.customerId, value: codec.encode(id, event) }]);
    const [message] = await readTopic(kafka, topic, (m) => m.length >= 1);
    // a fresh codec has no cache: it must fetch the writer schema by id from the registry
    const fresh = new SchemaCodec({ registryUrl: config.registryUrl, logger });
    expect(await fresh.decode(message!.value)).toEqual(event);
    const subjects = (await (await fetch(`${config.registryUrl}/subjects`)).json()) as string[];
    expect(subjects).toContain(`${topic}-value`);
    const compat = (await (await fetch(`${config.registryUrl}/config/${topic}-value`)).json()) as { compatibilityLevel: string };
    expect(compat.compatibilityLevel).toBe('BACKWARD');
  });

  it('kcat, a client none of us wrote, reads our bytes: magic byte 0 then the 4-byte schema id', async () => {
    const topic = await newTopic();
    const codec = new SchemaCodec({ registryUrl: config.registryUrl, logger });
    const id = await codec.registerFile(`${topic}-value`, 'TransactionEvent.avsc');
    const event = sampleEvent();
    await produce(kafka, topic, [{ key: event.customerId, value: codec.encode(id, event) }]);
    const out = execFileSync('kcat', ['-C', '-b', config.kafkaBrokers[0]!, '-t', topic, '-o', 'beginning', '-c', '1', '-e', '-q', '-f', '%k\n%S\n%s'], {
      timeout: 30_000,
    });
    const firstNl = out.indexOf(10);
    const secondNl = out.indexOf(10, firstNl + 1);
    expect(out.subarray(0, firstNl).toString()).toBe('C-42');
    const size = Number(out.subarray(firstNl + 1, secondNl).toString());
    const value = out.subarray(secondNl + 1, secondNl + 1 + size);
    expect(value[0]).toBe(0);
    expect(value.readUInt32BE(1)).toBe(id);
    const type = avro.Type.forSchema(JSON.parse(await readSchemaFile('TransactionEvent.avsc')));
    expect(type.fromBuffer(value.subarray(5))).toEqual(event);
  });

  it('refuses an incompatible change, accepts a compatible one, and old readers still decode new records', async () => {
    const topic = await newTopic();
    const subject = `${topic}-value`;
    const codec = new SchemaCodec({ registryUrl: config.registryUrl, logger });
    const v1Text = await readSchemaFile('TransactionEvent.avsc');
    const v1 = JSON.parse(v1Text);
    // the compatibility level is set only when asked (SCHEMA_REGISTRY_COMPATIBILITY or this argument)
    const v1Id = await codec.register(subject, v1Text, 'BACKWARD');
    // incompatible: amountMinor changes type from long to string
    const broken = { ...v1, fields: v1.fields.map((f: { name: string }) => (f.name === 'amountMinor' ? { name: 'amountMinor', type: 'string' } : f)) };
    await expect(codec.register(subject, JSON.stringify(broken))).rejects.toThrow(/409|ncompatible/);
    // compatible: a new optional field with a default
    const v2 = { ...v1, fields: [...v1.fields, { name: 'channel', type: ['null', 'string'], default: null }] };
    const v2Id = await codec.register(subject, JSON.stringify(v2));
    expect(v2Id).not.toBe(v1Id);
    const event = { ...sampleEvent(), channel: 'web' };
    await produce(kafka, topic, [{ key: event.customerId, value: codec.encode(v2Id, event) }]);
    const [message] = await readTopic(kafka, topic, (m) => m.length >= 1);
    const oldReader = avro.Type.forSchema(v1);
    const reader = new SchemaCodec({ registryUrl: config.registryUrl, logger });
    const { channel: _dropped, ...asOld } = event;
    expect(await reader.decode(message!.value, oldReader)).toEqual(asOld);
  });

  it('round-trips a value through the Redis client factory', async () => {
    const redis = createRedis({ url: config.redisUrl, logger, name: 'test' });
    const key = `test:${randomUUID()}`;
    await redis.hset(key, { revenueMinor: '123456', tier: 'A' });
    expect(await redis.hgetall(key)).toEqual({ revenueMinor: '123456', tier: 'A' });
    await redis.del(key);
    await redis.quit();
  });
});
