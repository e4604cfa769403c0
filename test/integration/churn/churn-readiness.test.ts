import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { churnKeys } from '../../../shared/contracts/src/keyspace/churn-watch/churn-keys';
import { deleteTopics, produce, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService } from '../../../tools/testkit/src/service-process';
import { aggregateValue, day, encodeMessage, registerInputSchemas } from './churn-fixtures';

/**
 * Readiness tells the truth (issue 14): churn-watch answers 503 on /readyz while its outbox's
 * oldest entry is older than READY_MAX_OUTBOX_AGE_SECONDS, shows depth and age on /metrics, and
 * is ready again once the entry is sent.
 */
const suffix = randomUUID().slice(0, 8);
const topics = topicsWithSuffix(suffix);
const dlqTopic = `customer.churn-watch.dlq.${suffix}`;
const prefix = `test:cwr:${suffix}:`;
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('churn-watch readiness', () => {
  it('is not ready while an outbox entry waits longer than the configured age, and ready once it is sent', async () => {
    const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
    const ids = await registerInputSchemas(codec, topics);
    cleanups.push(() => deleteTopics(kafka, [topics.aggregates, topics.tierChanges, topics.churnRisk, dlqTopic]));
    const s = await startService('churn-watch', {
      TOPIC_AGGREGATES: topics.aggregates, TOPIC_TIER_CHANGES: topics.tierChanges, TOPIC_CHURN_RISK: topics.churnRisk,
      CHURN_DLQ_TOPIC: dlqTopic, REDIS_KEY_PREFIX: prefix, KAFKA_GROUP_ID: `tierflow-churn-watch-${suffix}`, TIME_MODE: 'replay',
      CHURN_ALIGN_WAIT_MS: '1000', READY_MAX_OUTBOX_AGE_SECONDS: '2', OUTBOX_SAMPLE_MS: '200',
    });
    cleanups.push(async () => void (await s.stop()));
    await s.ready();
    const readyz = async () => {
      const r = await fetch(`http://127.0.0.1:${s.port}/readyz`);
      return { status: r.status, body: (await r.json()) as { problems?: string[] } };
    };
    expect((await readyz()).status).toBe(200);

    // an entry nobody sends (no input arrives to trigger a flush): it ages past 2 s
    const entry = {
      eventId: 'churn:R1:INACTIVITY:RAISED:timer:1', customerId: 'R1', signal: 'INACTIVITY', status: 'RAISED', severity: 'MEDIUM',
      score: 0.5, tier: 'A', trigger: 'timer:1', eventTime: day(120), watermark: day(120), explanation: [],
      attractiveness: 'HIGH', relationship: 'AVERAGE', strategy: 'develop',
    };
    await redis.rpush(churnKeys(prefix).outbox, JSON.stringify(entry));
    const deadline = Date.now() + 15_000;
    let last = await readyz();
    while (last.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      last = await readyz();
    }
    expect(last.status).toBe(503);
    expect(last.body.problems?.join(' ')).toMatch(/outbox churn-risk: oldest entry waiting \d+ s \(max 2\)/);
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
    expect(metrics).toContain('tierflow_outbox_depth{outbox="churn-risk"} 1');
    const age = Number(/tierflow_outbox_oldest_age_seconds\{outbox="churn-risk"\} ([\d.]+)/.exec(metrics)?.[1]);
    expect(age).toBeGreaterThan(2);
    expect(metrics).toMatch(/tierflow_consumer_up\{consumer="tierflow-churn-watch-[^"]+"\} 1/);

    // input arrives: the batch flushes the outbox, and the service is ready again
    await produce(kafka, topics.aggregates, [
      encodeMessage(codec, ids.aggregateId, 'R2', aggregateValue({ customerId: 'R2', seq: 1, at: day(121), txCount: 10, current: 1_000, previous: 1_000 })),
    ]);
    const until = Date.now() + 30_000;
    while ((await readyz()).status !== 200 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect((await readyz()).status).toBe(200);
    expect(await redis.llen(churnKeys(prefix).outbox)).toBe(0);
  });
});
