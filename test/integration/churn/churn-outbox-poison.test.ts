import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { churnKeys } from '../../../shared/contracts/src/keyspace/churn-watch/churn-keys';
import type { ChurnRiskEvent } from '../../../shared/contracts/src/events/event-types';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService } from '../../../tools/testkit/src/service-process';
import { aggregateValue, day, encodeMessage, registerInputSchemas, tierChangeValue } from './churn-fixtures';

/**
 * Poison at encode in churn-watch's outbox (issue 14): events already stored with a fractional
 * long (the unrounded silence-timer time that crash-looped the flusher), a long beyond 2^53
 * and an unknown enum symbol. Each is dead-lettered with its code; the good event behind them
 * is sent, and churn-watch goes on applying input and emitting new events.
 */
const suffix = randomUUID().slice(0, 8);
const topics = topicsWithSuffix(suffix);
const dlqTopic = `customer.churn-watch.dlq.${suffix}`;
const prefix = `test:cwp:${suffix}:`;
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const event = (n: number, patch: Partial<ChurnRiskEvent> | Record<string, unknown> = {}) => ({
  eventId: `churn:K${n}:INACTIVITY:RAISED:timer:${day(130)}`,
  customerId: `K${n}`,
  signal: 'INACTIVITY',
  status: 'RAISED',
  severity: 'MEDIUM',
  score: 0.5,
  tier: 'A',
  trigger: `timer:${day(130)}`,
  eventTime: day(130),
  watermark: day(130),
  explanation: [{ signal: 'INACTIVITY', active: true, strength: 0.5, summary: 'no transaction for 30 d', figures: { silentMs: 30 * 86_400_000 } }],
  attractiveness: 'HIGH',
  relationship: 'AVERAGE',
  strategy: 'develop',
  ...patch,
});

describe('churn-watch: poison in the outbox at encode', () => {
  it('a fractional long, an out-of-range long and a bad enum are dead-lettered with their codes; the flusher and the consumer go on', async () => {
    const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
    const ids = await registerInputSchemas(codec, topics);
    cleanups.push(() => deleteTopics(kafka, [topics.aggregates, topics.tierChanges, topics.churnRisk, dlqTopic]));
    const poison = [
      { code: 'NOT_AN_INTEGER', entry: event(1, { eventTime: 1_788_558_612_666.6667, trigger: 'timer:1788558612666.6667' }) },
      { code: 'OUT_OF_RANGE', entry: event(2, { watermark: 2 ** 60 }) },
      { code: 'SCHEMA_MISMATCH', entry: event(3, { signal: 'NOT_A_SIGNAL' }) },
    ];
    const goodEntry = event(4);
    // what an older version left in the outbox: every restart crashed on its first entry
    await redis.rpush(churnKeys(prefix).outbox, ...poison.map((p) => JSON.stringify(p.entry)), JSON.stringify(goodEntry));

    const s = await startService('churn-watch', {
      TOPIC_AGGREGATES: topics.aggregates, TOPIC_TIER_CHANGES: topics.tierChanges, TOPIC_CHURN_RISK: topics.churnRisk,
      CHURN_DLQ_TOPIC: dlqTopic, REDIS_KEY_PREFIX: prefix, KAFKA_GROUP_ID: `tierflow-churn-watch-${suffix}`, TIME_MODE: 'replay',
      CHURN_ALIGN_WAIT_MS: '2000',
    });
    cleanups.push(async () => void (await s.stop()));
    await s.ready();

    const dlq = await readTopic(kafka, dlqTopic, (m) => m.length >= poison.length);
    expect(dlq.map((m) => headerText(m.headers, 'tierflow.dlq.code'))).toEqual(poison.map((p) => p.code));
    dlq.forEach((m, i) => {
      expect(JSON.parse(m.value!.toString())).toEqual(poison[i]!.entry); // the stored event, to fix and resend
      expect(m.key?.toString()).toBe(poison[i]!.entry.customerId);
      expect(headerText(m.headers, 'tierflow.dlq.target.topic')).toBe(topics.churnRisk);
      expect(headerText(m.headers, 'tierflow.dlq.reason')!.length).toBeGreaterThan(10);
    });
    expect(headerText(dlq[0]!.headers, 'tierflow.dlq.reason')).toMatch(/eventTime is 1788558612666\.6667, not an integer/);
    const sent = await readTopic(kafka, topics.churnRisk, (m) => m.length >= 1);
    expect(sent.map((m) => m.key?.toString())).toEqual(['K4']);
    expect(await redis.llen(churnKeys(prefix).outbox)).toBe(0);

    // and it goes on: a key account whose revenue drops raises a new churn risk
    const tiers = [encodeMessage(codec, ids.tierId, 'K9', tierChangeValue({ customerId: 'K9', fromTier: 'C', toTier: 'A', at: day(100), n: 1, cause: { customerId: 'K9', seq: 1 } }))];
    await produce(kafka, topics.tierChanges, tiers);
    await produce(kafka, topics.aggregates, [
      encodeMessage(codec, ids.aggregateId, 'K9', aggregateValue({ customerId: 'K9', seq: 1, at: day(100), txCount: 60, current: 100_000, previous: 100_000 })),
      encodeMessage(codec, ids.aggregateId, 'K9', aggregateValue({ customerId: 'K9', seq: 2, at: day(110), txCount: 61, current: 10_000, previous: 100_000 })),
    ]);
    const after = await readTopic(kafka, topics.churnRisk, (m) => m.some((x) => x.key?.toString() === 'K9'));
    const k9 = await Promise.all(after.filter((m) => m.key?.toString() === 'K9').map((m) => codec.decode<ChurnRiskEvent>(m.value)));
    expect(k9.map((e) => `${e.signal}:${e.status}`)).toContain('REVENUE_DECLINE:RAISED');
    for (const e of k9) expect(Number.isInteger(e.eventTime)).toBe(true);
    expect(s.exited()).toBe(false);
  });
});
