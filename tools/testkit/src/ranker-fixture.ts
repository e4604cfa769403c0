import { randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import { topicsWithSuffix, valueSubject, type Topics } from '@tierflow/contracts/topics';
import type { RankUpdate } from '@tierflow/domain/ranking/rank-update';

/** The CustomerAggregate fields, as the aggregator emits them. */
export interface AggregateRecord {
  eventId: string;
  customerId: string;
  seq: number;
  currency: string;
  eventTime: number;
  watermark: number;
  revenueMinor: number;
  costMinor: number;
  profitMinor: number;
  txCount: number;
  paymentCount: number;
  balanceMinor: number;
  firstActivityAt: number;
  lastActivityAt: number;
  currentWindowDays: number;
  currentRevenueMinor: number;
  currentProfitMinor: number;
  currentCount: number;
  previousRevenueMinor: number;
  previousProfitMinor: number;
  previousCount: number;
  rankingWindowDays: number;
  rankingRevenueMinor: number;
  rankingProfitMinor: number;
  rankingCount: number;
}

/** Fresh topics, a Redis prefix and a codec for one ranker test. */
export async function rankerFixture(kafka: Kafka) {
  const suffix = randomUUID().slice(0, 8);
  const topics: Topics = topicsWithSuffix(suffix);
  const prefix = `t${suffix}:`;
  const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
  const aggregateSchemaId = await codec.registerFile(valueSubject(topics.aggregates), 'CustomerAggregate.avsc');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, pipelineTopicSpecs(topics, 6));
  await admin.disconnect();
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    REDIS_KEY_PREFIX: prefix,
    TOPIC_TRANSACTIONS: topics.transactions,
    TOPIC_TRANSACTIONS_DLQ: topics.transactionsDlq,
    TOPIC_PROFILES: topics.profiles,
    TOPIC_AGGREGATES: topics.aggregates,
    TOPIC_TIER_CHANGES: topics.tierChanges,
    TOPIC_CHURN_RISK: topics.churnRisk,
    KAFKA_GROUP_ID: `tierflow-ranker-${suffix}`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    // exact tiers unless a test asks for hysteresis (the oracles sort and sum)
    HYSTERESIS_MARGIN: '0',
    HYSTERESIS_MIN_DWELL_MS: '0',
    ...extra,
  });
  const toMessage = (a: AggregateRecord): Message => ({ key: a.customerId, value: codec.encode(aggregateSchemaId, a) });
  return { suffix, topics, prefix, codec, env, toMessage };
}

/**
 * A deterministic stream of aggregates: `customers` customers, spend skewed to low ids,
 * growth and decline, refunds to zero, ties, a whale now and then, and resent (stale) seqs.
 */
export function aggregateStream(p: { count: number; customers: number; seed: number }): AggregateRecord[] {
  let x = p.seed;
  const rnd = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  const seq = new Map<string, number>();
  const out: AggregateRecord[] = [];
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < p.count; i++) {
    const id = `c${String(Math.floor(p.customers * rnd() ** 2)).padStart(4, '0')}`;
    const last = seq.get(id) ?? 0;
    const stale = last > 1 && rnd() < 0.03;
    const s = stale ? last - 1 : last + 1;
    if (!stale) seq.set(id, s);
    const r = rnd();
    const revenue = r < 0.05 ? 0 : r < 0.08 ? 5_000 : r < 0.085 ? 5_000_000 : Math.floor(200_000 * rnd() ** 3);
    const at = t0 + i * 60_000;
    out.push({
      eventId: `${id}:${s}`,
      customerId: id,
      seq: s,
      currency: 'USD',
      eventTime: at,
      watermark: at,
      revenueMinor: revenue * 3,
      costMinor: revenue,
      profitMinor: revenue * 2,
      txCount: s,
      paymentCount: 0,
      balanceMinor: 0,
      firstActivityAt: t0,
      lastActivityAt: at,
      currentWindowDays: 30,
      currentRevenueMinor: revenue,
      currentProfitMinor: revenue,
      currentCount: 1,
      previousRevenueMinor: 0,
      previousProfitMinor: 0,
      previousCount: 0,
      rankingWindowDays: 90,
      rankingRevenueMinor: revenue,
      rankingProfitMinor: Math.floor(revenue / 2),
      rankingCount: 1,
    });
  }
  return out;
}

/** The ranker's view of an aggregate with the default (window revenue) basis. */
export const windowUpdate = (a: AggregateRecord, region: string | null): RankUpdate => ({
  customerId: a.customerId,
  seq: a.seq,
  eventTime: a.eventTime,
  basis: a.rankingRevenueMinor,
  region,
  causeEventId: a.eventId,
});
