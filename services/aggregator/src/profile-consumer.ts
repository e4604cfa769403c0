import type { Redis } from 'ioredis';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Counter } from 'prom-client';
import type { TierflowError } from '@tierflow/contracts/errors/tierflow-error';
import { dispositionOf } from '@tierflow/runtime/errors/disposition';
import { deadLetterMessage, type DeadLetterReason } from '@tierflow/runtime/exactly-once/dead-letter';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processHealth, processRegistry } from '@tierflow/runtime/service/process-health';
import { regionPolicyFromEnv } from '@tierflow/runtime/config/region-policy-config';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { CustomerProfile } from '@tierflow/contracts/events/event-types';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { idProblem } from '@tierflow/contracts/validation/ids';
import { validateProfile } from '@tierflow/contracts/validation/profile';
import type { RegionPolicy } from '@tierflow/contracts/validation/region';
import { regionToStore, removeProfile, storeProfile } from './profile-store';

const counter = (name: string, help: string, labelNames: string[] = []) =>
  (processRegistry.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames, registers: [processRegistry] });

/**
 * Keeps the latest CRM profile per customer in Redis. Upserts are idempotent (latest wins, the
 * topic is compacted), so at-least-once delivery with Kafka-committed offsets is enough here.
 * Every record is validated by the one profile rule (shared/contracts/src/validation/profile.ts: key =
 * customerId, the id rule, bounded texts and numbers, a valid region name); records that cannot
 * be decoded or fail it go to customer.profiles.dlq (TOPIC_PROFILES_DLQ) with code and reason.
 * Region names beyond the policy (REGIONS or MAX_REGIONS) are stored as `unassigned`, counted.
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
  /** default: TOPIC_PROFILES_DLQ, else the profiles topic + `.dlq` */
  dlqTopic?: string;
  /** default: REGIONS / MAX_REGIONS */
  regions?: RegionPolicy;
}) {
  const dlqTopic = p.dlqTopic ?? topicsFromEnv().profilesDlq;
  const regions = p.regions ?? regionPolicyFromEnv();
  const unassigned = counter('tierflow_profile_regions_unassigned_total', 'profiles whose region name was stored as unassigned (not in REGIONS, or beyond MAX_REGIONS)');
  const dead = counter('tierflow_profiles_dead_lettered_total', 'profile records sent to the profiles dead-letter topic', ['code']);

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, why: DeadLetterReason) => {
    p.logger.warn({ topic, partition, offset: message.offset, code: why.code, reason: why.reason }, 'profile dead-lettered');
    await p.producer.send({ topic: dlqTopic, acks: -1, messages: [deadLetterMessage({ service: 'aggregator', topic, partition, message, why })] });
    dead.inc({ code: why.code });
  };

  const consumer = p.kafka.consumer({ groupId: p.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  processHealth.watchConsumer(p.groupId, consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: p.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const key = message.key?.toString() ?? null;
      if (message.value === null) {
        const bad = idProblem(key, 'tombstone key');
        if (bad) return deadLetter(topic, partition, message, { code: 'PROFILE_BAD_KEY', reason: bad.reason });
        await removeProfile(p.redis, p.prefix, key as string);
        return;
      }
      let profile: CustomerProfile;
      try {
        profile = await p.codec.decode<CustomerProfile>(message.value);
      } catch (err) {
        if (dispositionOf(err) !== 'dead-letter') throw err; // registry down: retried, never dead-lettered
        return deadLetter(topic, partition, message, { code: (err as TierflowError).code, reason: (err as TierflowError).message });
      }
      const verdict = validateProfile(key, profile);
      if (!verdict.ok) return deadLetter(topic, partition, message, { code: verdict.code, reason: verdict.reason });
      const region = await regionToStore(p.redis, p.prefix, profile.region, regions);
      if (region !== profile.region) {
        unassigned.inc();
        p.logger.info({ customerId: profile.customerId, region: profile.region, stored: region }, 'region beyond the region policy: stored as unassigned');
      }
      await storeProfile(p.redis, p.prefix, { ...profile, region });
    },
  });
  return { stop: () => consumer.disconnect() };
}
