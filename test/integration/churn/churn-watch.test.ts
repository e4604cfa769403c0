import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { churnKeys } from '../../../shared/contracts/src/keyspace/churn-watch/churn-keys';
import { readChurnState, readRecentChurnRisks } from '../../../shared/contracts/src/keyspace/churn-watch/churn-state-reader';
import type { ChurnRiskEvent } from '../../../shared/contracts/src/events/event-types';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { aggregateValue, day, encodeMessage, registerInputSchemas, tierChangeValue, type AggregateSpec } from './churn-fixtures';

const suffix = randomUUID();
const topics = topicsWithSuffix(suffix);
const replayRiskTopic = `${topics.churnRisk}.replay`;
const dlqTopic = `customer.churn-watch.dlq.${suffix}`;
const prefix = `test:cw:${suffix}:`;
const replayPrefix = `test:cw:${suffix}:replay:`;
const config = connectionConfig();
let kafka: Kafka;
let redis: Redis;
let codec: SchemaCodec;
let ids: { aggregateId: number; tierId: number };
const services: ServiceProcess[] = [];

function churnEnv(p: { prefix: string; riskTopic: string; group: string }): Record<string, string> {
  return {
    TOPIC_AGGREGATES: topics.aggregates,
    TOPIC_TIER_CHANGES: topics.tierChanges,
    TOPIC_CHURN_RISK: p.riskTopic,
    CHURN_DLQ_TOPIC: dlqTopic,
    REDIS_KEY_PREFIX: p.prefix,
    KAFKA_GROUP_ID: p.group,
    TIME_MODE: 'replay',
  };
}

const agg = (s: AggregateSpec) => encodeMessage(codec, ids.aggregateId, s.customerId, aggregateValue(s));
const tier = (customerId: string, fromTier: string, toTier: string, at: number, n: number, causeSeq: number, scope = 'global') =>
  encodeMessage(codec, ids.tierId, customerId, tierChangeValue({ customerId, fromTier, toTier, at, n, scope, cause: { customerId, seq: causeSeq } }));

/** Waits until churn-watch has applied the topic up to its end and flushed its outbox. */
async function settled(p: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const [end] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const last = String(Number(end!.high) - 1);
  const keys = churnKeys(p);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const applied = await redis.hget(keys.offsets, `${topic}:0`);
    if (applied === last && (await redis.llen(keys.outbox)) === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`churn-watch did not reach offset ${last} of ${topic}`);
}

async function readRisks(topic: string, expected: number): Promise<ChurnRiskEvent[]> {
  const messages: KafkaMessage[] = await readTopic(kafka, topic, (m) => m.length >= expected, 30_000);
  return Promise.all(messages.map((m) => codec.decode<ChurnRiskEvent>(m.value)));
}

const brief = (es: ChurnRiskEvent[]) => es.map((e) => `${e.customerId} ${e.signal} ${e.status} ${e.severity}`);

beforeAll(async () => {
  kafka = testKafka();
  redis = new Redis(config.redisUrl);
  codec = new SchemaCodec({ registryUrl: config.registryUrl });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [topics.aggregates, topics.tierChanges, topics.churnRisk, replayRiskTopic, dlqTopic].map((topic) => ({ topic, numPartitions: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  ids = await registerInputSchemas(codec, topics);
});

afterAll(async () => {
  for (const s of services) await s.stop();
  for (const p of [prefix, replayPrefix]) {
    const keys = Object.values(churnKeys(p));
    await redis.del(...keys);
  }
  await deleteTopics(kafka, [topics.aggregates, topics.tierChanges, topics.churnRisk, replayRiskTopic, dlqTopic]);
  redis.disconnect();
});

describe('churn-watch on the real stack', () => {
  it('a key account declines, then goes silent: exactly the expected events, none for a C customer, none in the cool-down, RESOLVED on recovery; a replay gives the same events', async () => {
    // K is an A account (usual gap ~2 d, so the silence threshold is the 7-day floor); C1 is a C
    // customer with the same collapse; W (C) only moves the watermark on.
    // the ranker's changes, caused by K's first aggregate (read before it: staged until it comes)
    await produce(kafka, topics.tierChanges, [tier('K', 'C', 'A', day(100), 1, 1), tier('K', 'A', 'C', day(100), 2, 1, 'region:north')]);
    const history = { txCount: 50, previous: 100_000 };
    const w = (n: number, at: number) => agg({ customerId: 'W', seq: n, at, txCount: 10, current: 1_000, previous: 1_000 });
    const churn = await startService('churn-watch', churnEnv({ prefix, riskTopic: topics.churnRisk, group: `cw-${suffix}` }));
    services.push(churn);
    await churn.ready();

    await produce(kafka, topics.aggregates, [
      agg({ customerId: 'K', seq: 1, at: day(100), ...history, current: 100_000 }),
      agg({ customerId: 'C1', seq: 1, at: day(100), ...history, current: 100_000 }),
      agg({ customerId: 'K', seq: 2, at: day(101), ...history, txCount: 51, current: 50_000 }), // -50%: RAISED MEDIUM
      agg({ customerId: 'C1', seq: 2, at: day(101), ...history, current: 0, currentCount: 0 }), // C: nothing
      agg({ customerId: 'K', seq: 3, at: day(102), ...history, txCount: 52, current: 45_000 }), // still MEDIUM: quiet
      { key: 'K', value: Buffer.from('not avro') }, // dead-lettered, the pipeline goes on
      w(1, day(105)),
      w(2, day(110)), // K silent since day 102: inactivity at day 109 (MEDIUM)
      w(3, day(113)), // ... and HIGH at day 112.5
    ]);
    await settled(prefix, topics.aggregates);
    const silent = await readRisks(topics.churnRisk, 3);
    expect(brief(silent)).toEqual(['K REVENUE_DECLINE RAISED MEDIUM', 'K INACTIVITY RAISED MEDIUM', 'K INACTIVITY RAISED HIGH']);
    expect(silent[1]?.trigger).toBe(`timer:${day(109)}`);
    const inactivity = silent[2]?.explanation.find((x) => x.signal === 'INACTIVITY');
    expect(inactivity?.figures.thresholdMs).toBe(7 * 86_400_000);
    expect(silent[2]?.score).toBeGreaterThan(silent[0]!.score);
    expect(silent.every((e) => e.tier === 'A' && e.strategy.length > 0)).toBe(true);

    const state = await readChurnState(redis, prefix, 'K');
    expect(state?.activeSignals.map((s) => `${s.signal}:${s.severity}`)).toEqual(['REVENUE_DECLINE:MEDIUM', 'INACTIVITY:HIGH']);
    expect(state).toMatchObject({ tier: 'A', attractiveness: expect.any(String), strategy: expect.any(String) });
    expect(await readChurnState(redis, prefix, 'C1')).toMatchObject({ tier: 'C', activeSignals: [] });

    // recovery: buys again at full revenue -> both resolve; a new dip inside the cool-down is quiet
    await produce(kafka, topics.aggregates, [
      agg({ customerId: 'K', seq: 4, at: day(114), ...history, txCount: 53, current: 100_000 }),
      agg({ customerId: 'K', seq: 5, at: day(114.5), ...history, txCount: 54, current: 50_000 }),
      w(4, day(114.6)),
    ]);
    await settled(prefix, topics.aggregates);
    const all = await readRisks(topics.churnRisk, 5);
    expect(brief(all)).toEqual([
      'K REVENUE_DECLINE RAISED MEDIUM',
      'K INACTIVITY RAISED MEDIUM',
      'K INACTIVITY RAISED HIGH',
      'K REVENUE_DECLINE RESOLVED MEDIUM',
      'K INACTIVITY RESOLVED HIGH',
    ]);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(5);
    expect((await readRecentChurnRisks(redis, prefix, 2)).map((e) => e.eventId)).toEqual([all[4]!.eventId, all[3]!.eventId]);
    const dead = await readTopic(kafka, dlqTopic, (m) => m.length >= 1, 30_000);
    expect(dead[0]?.headers?.['tierflow.dlq.code']?.toString()).toBe('BAD_MAGIC_BYTE');

    // a replay of the same topics from the earliest offset, with fresh state, gives the same events
    const replay = await startService('churn-watch', churnEnv({ prefix: replayPrefix, riskTopic: replayRiskTopic, group: `cw-replay-${suffix}` }));
    services.push(replay);
    await replay.ready();
    await settled(replayPrefix, topics.aggregates);
    const replayed = await readRisks(replayRiskTopic, 5);
    expect(replayed.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    expect(replayed).toEqual(all);
  });
});
