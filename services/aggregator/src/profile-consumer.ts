import type { Redis } from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { DecodeError } from '@tierflow/shared/codec-errors';
import { deadLetterMessage } from '@tierflow/shared/dead-letter';
import type { Logger } from '@tierflow/shared/logger';
import type { SchemaCodec } from '@tierflow/shared/schema-codec';
import type { CustomerProfile } from '@tierflow/shared/event-types';
import { removeProfile, storeProfile } from './profile-store';

/**
 * Keeps the latest CRM profile per customer in Redis. Upserts are idempotent (latest wins, the
 * topic is compacted), so at-least-once delivery with Kafka-committed offsets is enough here.
 * Undecodable records go to `<profiles topic>.dlq`.
 */
export async function startProfileConsumer(p: {
  kafka: Kafka;
  redis: Redis;
  codec: SchemaCodec;
  producer: Producer;
  topic: string;
  groupId: string;
  prefix: string;
  logger: Logger;
}) {
  const consumer = p.kafka.consumer({ groupId: p.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: p.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const key = message.key?.toString();
      if (message.value === null) {
        if (key) await removeProfile(p.redis, p.prefix, key);
        return;
      }
      try {
        const profile = await p.codec.decode<CustomerProfile>(message.value);
        await storeProfile(p.redis, p.prefix, profile);
      } catch (err) {
        if (!(err instanceof DecodeError) || err.retriable) throw err;
        p.logger.warn({ topic, partition, offset: message.offset, code: err.code }, 'profile dead-lettered');
        await p.producer.send({
          topic: `${p.topic}.dlq`,
          messages: [deadLetterMessage({ service: 'aggregator', topic, partition, message, why: { code: err.code, reason: err.message } })],
        });
      }
    },
  });
  return { stop: () => consumer.disconnect() };
}
