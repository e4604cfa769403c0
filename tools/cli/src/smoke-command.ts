import { randomUUID } from 'node:crypto';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { EXIT } from './cli-error';

/**
 * A round trip through every server: register, produce, consume, decode; Redis SET/GET. Quiet
 * (one line on stdout; clients log errors only) and it removes what it created: the topic, the
 * consumer group, the registry subject and the Redis key, whatever happened on the way.
 */
export async function smokeCommand(): Promise<number> {
  const config = connectionConfig();
  const logger = createLogger({ name: 'smoke', level: 'error' });
  const id = randomUUID();
  const topic = `smoke.${id}`;
  const subject = `${topic}-value`;
  const groupId = `smoke-${id}`;
  const codec = new SchemaCodec({ registryUrl: config.registryUrl, registry: config.registry, logger });
  const kafka = createKafka({ brokers: config.kafkaBrokers, security: config.kafkaSecurity, clientId: 'tierflow-smoke', logger });
  const redis = createRedis({ url: config.redisUrl, tls: config.redisTls, logger, name: 'smoke' });
  const admin = kafka.admin();
  const event = {
    transactionId: id,
    customerId: 'C-smoke',
    occurredAt: Date.now(),
    kind: 'CHARGE',
    amountMinor: 1999,
    costMinor: 1200,
    currency: 'USD',
    product: 'smoke',
  };
  const redisKey = `smoke:${id}`;
  const started = Date.now();
  let registered = false;
  let created = false;
  try {
    const schemaId = await codec.registerFile(subject, 'TransactionEvent.avsc');
    registered = true;
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    created = true;
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: event.customerId, value: codec.encode(schemaId, event) }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const decoded = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('smoke: no record back from Kafka within 30 s')), 30_000);
      void consumer.run({ eachMessage: async ({ message }) => { clearTimeout(timer); resolve(await codec.decode(message.value)); } });
    });
    await consumer.disconnect();
    await redis.set(redisKey, '1', 'EX', 60);
    const back = await redis.get(redisKey);
    const same = JSON.stringify(decoded) === JSON.stringify(event) && back === '1';
    process.stdout.write(same ? `smoke ok in ${((Date.now() - started) / 1000).toFixed(1)} s: registry (schema ${schemaId}), Kafka round trip, Redis; removed ${topic}, ${subject}\n` : `smoke FAILED: the record came back different (${JSON.stringify(decoded)})\n`);
    return same ? EXIT.OK : EXIT.FAILURE;
  } finally {
    await redis.del(redisKey).catch(() => undefined);
    redis.disconnect();
    if (created) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    if (registered) await codec.deleteSubject(subject).catch(() => undefined);
  }
}
