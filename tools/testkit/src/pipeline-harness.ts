import type { Redis } from 'ioredis';
import type { Kafka, KafkaMessage } from 'kafkajs';
import avro from 'avsc';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { rankerConfig } from '@tierflow/ranker/ranker-config';
import { basisOf, type AggregateFields } from '@tierflow/domain/ranking/ranking-basis';
import { TierEngine } from '@tierflow/domain/ranking/tier-engine';
import type { TierChange } from '@tierflow/contracts/events/event-types';
import { readTopic, topicEnd } from './kafka-io';

/** Waits until the ranker has applied every record on customer.aggregates (its offset in Redis). */
export async function waitRanked(redis: Redis, prefix: string, aggregatesTopic: string, kafka: Kafka, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stable = 0;
  for (;;) {
    const end = await topicEnd(kafka, aggregatesTopic);
    const applied = Number((await redis.hget(`${prefix}{rk}:offsets`, `${aggregatesTopic}:0`)) ?? -1);
    // stable for a few polls: the aggregator may still be emitting
    stable = end > 0 && applied >= end - 1 ? stable + 1 : 0;
    if (stable >= 4) return;
    if (Date.now() > deadline) throw new Error(`ranker at ${applied + 1} of ${end} aggregates`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Decodes a whole topic (one partition) in order. */
export async function decodeTopic<T>(kafka: Kafka, topic: string, schemaFile: string): Promise<{ message: KafkaMessage; value: T }[]> {
  const end = await topicEnd(kafka, topic);
  const messages = end === 0 ? [] : await readTopic(kafka, topic, (m) => m.length >= end, 180_000);
  const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
  const reader = avro.Type.forSchema(JSON.parse(await readSchemaFile(schemaFile)));
  const out: { message: KafkaMessage; value: T }[] = [];
  for (const message of messages) out.push({ message, value: await codec.decode<T>(message.value, reader) });
  return out;
}

/**
 * The tier changes the ranker must have published for the aggregates actually on the topic:
 * the whole stream, duplicates included, fed in order into a fresh engine with the ranker's
 * configuration (no profiles in these runs, so every customer is in region 'unassigned'), each
 * with its topic offset when given (TierChange.causeOffset).
 */
export function expectedTierChanges(aggregates: (AggregateFields & { customerId: string; seq: number; eventTime: number; eventId: string; offset?: number })[], env: Record<string, string>): TierChange[] {
  const config = rankerConfig(env);
  const engine = new TierEngine({ rules: config.rules, configVersion: config.configVersion, regions: config.regions });
  const out: TierChange[] = [];
  for (const a of aggregates) {
    const changes = engine.apply({
      customerId: a.customerId, seq: a.seq, eventTime: a.eventTime, basis: basisOf(a, config.basis, config.weights),
      region: null, causeEventId: a.eventId, causeOffset: a.offset ?? null,
    });
    if (changes) out.push(...changes);
  }
  return out;
}
