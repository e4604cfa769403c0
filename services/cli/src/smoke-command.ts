import { randomUUID } from 'node:crypto';
import { connectionConfig } from '@tierflow/shared/connection-config';
import { createKafka } from '@tierflow/shared/kafka-client';
import { createLogger } from '@tierflow/shared/logger';
import { createRedis } from '@tierflow/shared/redis-client';
import { SchemaCodec } from '@tierflow/shared/schema-codec';

/** A round trip through every server: register, produce, consume, decode; Redis SET/GET. */
export async function smokeCommand(): Promise<number> {
  const config = connectionConfig();
  const logger = createLogger({ name: 'smoke', level: config.logLevel });
  const topic = `smoke.${randomUUID()}`;
  const codec = new SchemaCodec({ registryUrl: config.registryUrl, registry: config.registry, logger });
  const schemaId = await codec.registerFile(`${topic}-value`, 'TransactionEvent.avsc');
  const event = {
    transactionId: randomUUID(),
    customerId: 'C-smoke',
    occurredAt: Date.now(),
    kind: 'CHARGE',
    amountMinor: 1999,
    costMinor: 1200,
    currency: 'USD',
    product: 'smoke',
  };
  const kafka = createKafka({ brokers: config.kafkaBrokers, security: config.kafkaSecurity, clientId: 'tierflow-smoke', logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: event.customerId, value: codec.encode(schemaId, event) }] });
  const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const decoded = await new Promise<unknown>((resolve) => {
    void consumer.run({ eachMessage: async ({ message }) => resolve(await codec.decode(message.value)) });
  });
  await consumer.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  const redis = createRedis({ url: config.redisUrl, tls: config.redisTls, logger, name: 'smoke' });
  await redis.set(`smoke:${event.transactionId}`, '1', 'EX', 60);
  const back = await redis.get(`smoke:${event.transactionId}`);
  redis.disconnect();
  const same = JSON.stringify(decoded) === JSON.stringify(event) && back === '1';
  logger.info({ schemaId, topic, same }, same ? 'smoke round trip ok' : 'smoke round trip FAILED');
  return same ? 0 : 1;
}
