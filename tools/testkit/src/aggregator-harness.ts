import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Kafka, Message } from 'kafkajs';
import avro from 'avsc';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import { topicsWithSuffix, valueSubject, type Topics } from '@tierflow/contracts/topics';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import type { OracleCustomer, OracleEvent } from './aggregate-oracle';
import { readAggregates } from '@tierflow/contracts/keyspace/aggregator/customer-reader';
import type { FixtureEvent } from './transaction-fixtures';

export const PARTITIONS = 6;

/** A fresh set of topics and a Redis prefix for one test, with the schemas registered. */
export async function pipelineFixture(kafka: Kafka) {
  const suffix = randomUUID().slice(0, 8);
  const topics: Topics = topicsWithSuffix(suffix);
  const prefix = `t${suffix}:`;
  const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
  const txSchemaId = await codec.registerFile(valueSubject(topics.transactions), 'TransactionEvent.avsc');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, pipelineTopicSpecs(topics, PARTITIONS));
  await admin.disconnect();
  const env: Record<string, string> = {
    REDIS_KEY_PREFIX: prefix,
    TOPIC_TRANSACTIONS: topics.transactions,
    TOPIC_TRANSACTIONS_DLQ: topics.transactionsDlq,
    TOPIC_PROFILES: topics.profiles,
    TOPIC_AGGREGATES: topics.aggregates,
    TOPIC_TIER_CHANGES: topics.tierChanges,
    TOPIC_CHURN_RISK: topics.churnRisk,
    TIME_MODE: 'replay',
    // exact tiers (the oracles here sort and sum; the ranker's default hysteresis would hold some)
    HYSTERESIS_MARGIN: '0',
    HYSTERESIS_MIN_DWELL_MS: '0',
  };
  /** the environment for one service: its own consumer group per test, so tests never share a group */
  const envFor = (service: string, extra: Record<string, string> = {}) => ({ ...env, KAFKA_GROUP_ID: `tierflow-${service}-${suffix}`, ...extra });
  return { suffix, topics, prefix, codec, txSchemaId, env, envFor };
}

export const toMessage = (codec: SchemaCodec, schemaId: number, e: FixtureEvent): Message => ({
  key: e.customerId,
  value: codec.encode(schemaId, e),
});

/** Events with the partition Kafka puts them in, for the oracle. */
export const withPartitions = (events: FixtureEvent[]): OracleEvent[] =>
  events.map((e) => ({ ...e, partition: partitionOfKey(e.customerId, PARTITIONS) }));

/** The fixture's aggregator consumer group (envFor('aggregator')) and its repartition stage's group. */
export const aggregatorGroup = (suffix: string) => `tierflow-aggregator-${suffix}`;
export const repartitionGroup = (suffix: string) => `${aggregatorGroup(suffix)}-repartition`;

/**
 * Waits until the aggregator has applied everything produced to the fixture's transactions
 * topic: each of its partitions was taken to its end (Redis records the position the apply stage
 * reached, REPARTITION_MODE=direct; or the repartition stage committed it, hop), so every record
 * was applied, reached its shard or the dead-letter topic; and Redis records every shard's last
 * offset as applied.
 */
export async function waitApplied(
  redis: Redis,
  f: { prefix: string; suffix: string; topics: Topics },
  kafka: Kafka,
  timeoutMs = 120_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = (await sourceBehind(admin, redis, f.prefix, f.topics.transactions, repartitionGroup(f.suffix)))
        + (await shardsBehind(admin, redis, f.prefix, f.topics.transactionsByCustomer));
      if (behind === 0) return;
      if (Date.now() > deadline) throw new Error(`aggregator still ${behind} records behind`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Source records neither taken by the apply stage (its position in Redis) nor committed by the repartition group. */
async function sourceBehind(admin: ReturnType<Kafka['admin']>, redis: Redis, prefix: string, topic: string, groupId: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let behind = 0;
  for (const o of ends) {
    const applied = await redis.hget(`${prefix}{p${o.partition}}:meta`, `off:${topic}:${o.partition}`);
    const next = Math.max(at.get(o.partition) ?? -1, applied === null ? -1 : Number(applied) + 1);
    behind += Math.max(0, Number(o.high) - (next < 0 ? Number(o.low) : next));
  }
  return behind;
}

/** Records of the by-customer topic that Redis does not record as applied yet. */
async function shardsBehind(admin: ReturnType<Kafka['admin']>, redis: Redis, prefix: string, topic: string): Promise<number> {
  let behind = 0;
  for (const o of await admin.fetchTopicOffsets(topic)) {
    const applied = await redis.hget(`${prefix}{p${o.partition}}:meta`, `off:${topic}:${o.partition}`);
    behind += Math.max(0, Number(o.high) - 1 - Number(applied ?? -1));
  }
  return behind;
}

/**
 * Every customer hash the aggregator wrote under the prefix: customerId -> the shards it is in.
 * One entry per customer, in the shard murmur2 gives it, when state does not split.
 */
export async function customerShards(redis: Redis, prefix: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}{p*}:c:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      const m = /\{p(\d+)\}:c:(.*)$/.exec(k)!;
      out.set(m[2]!, [...(out.get(m[2]!) ?? []), Number(m[1])]);
    }
  } while (cursor !== '0');
  return out;
}

export const ORACLE_FIELDS: (keyof OracleCustomer)[] = [
  'revenueMinor', 'costMinor', 'profitMinor', 'txCount', 'paymentCount', 'balanceMinor', 'firstActivityAt', 'lastActivityAt',
  'currentRevenueMinor', 'currentProfitMinor', 'currentCount', 'previousRevenueMinor', 'previousProfitMinor', 'previousCount',
  'rankingRevenueMinor', 'rankingProfitMinor', 'rankingCount',
];

/** Reads every oracle customer's state from Redis through the aggregator's own reader, in the oracle's shape. */
export async function readCustomers(redis: Redis, prefix: string, ids: string[]): Promise<Map<string, OracleCustomer & { seq: number }>> {
  const aggregates = await readAggregates(redis, { prefix, partitions: PARTITIONS, customerIds: ids, ctx: { currency: 'USD', currentWindowDays: 30, rankingWindowDays: 90 } });
  const out = new Map<string, OracleCustomer & { seq: number }>();
  for (const id of ids) {
    const a = aggregates.get(id);
    const c = { seq: a?.seq ?? 0 } as OracleCustomer & { seq: number };
    for (const f of ORACLE_FIELDS) c[f] = a ? a[f] : NaN;
    out.set(id, c);
  }
  return out;
}

/** Drops the seq (which the oracle does not model) for comparing with it. */
export const withoutSeq = (m: Map<string, OracleCustomer & { seq: number }>) =>
  new Map([...m].map(([id, { seq: _seq, ...rest }]) => [id, rest as OracleCustomer]));

/** The CustomerAggregate reader type, for decoding customer.aggregates in tests. */
export async function aggregateType(): Promise<avro.Type> {
  return avro.Type.forSchema(JSON.parse(await readSchemaFile('CustomerAggregate.avsc')));
}

/** Deletes every key under a test prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
