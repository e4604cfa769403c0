import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Message } from 'kafkajs';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { alertKeys } from '../../../shared/contracts/src/keyspace/alerter/alert-keys';
import type { DeadLetter } from '../../../services/alerter/src/alert-store';
import { deleteTopics, produce, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { encodeMessage, registerInputSchemas, tierChangeValue } from '../churn/churn-fixtures';
import { startWebhookReceiver } from './webhook-receiver';

const suffix = randomUUID();
const topics = topicsWithSuffix(suffix);
const dlqTopic = `customer.alerter.dlq.${suffix}`;
const prefix = `test:al:${suffix}:`;
const secret = `secret-${suffix}`;
const config = connectionConfig();
let kafka: Kafka;
let redis: Redis;
let codec: SchemaCodec;
let riskId: number;
let tierId: number;
const services: ServiceProcess[] = [];

const risk = (customerId: string, tier: string, n: number, status = 'RAISED'): Message => {
  const eventId = `churn:${customerId}:REVENUE_DECLINE:${status}:${customerId}:${n}`;
  return encodeMessage(codec, riskId, customerId, {
    eventId,
    customerId,
    signal: 'REVENUE_DECLINE',
    status,
    severity: 'MEDIUM',
    score: 0.5,
    tier,
    trigger: `${customerId}:${n}`,
    eventTime: 1_700_000_000_000 + n,
    watermark: 1_700_000_000_000 + n,
    explanation: [{ signal: 'REVENUE_DECLINE', active: true, strength: 0.5, summary: 'window revenue 50000 vs 100000 before', figures: { dropRatio: 0.5 } }],
    attractiveness: 'HIGH',
    relationship: 'AVERAGE',
    strategy: 'develop',
  });
};
const riskAlertId = (customerId: string, n: number, status = 'RAISED') =>
  `churn:${customerId}:REVENUE_DECLINE:${status}:${customerId}:${n}|${status === 'RAISED' ? 'churn-risk' : 'churn-resolved'}`;
const change = (customerId: string, fromTier: string, toTier: string, n: number, scope = 'global') =>
  encodeMessage(codec, tierId, customerId, tierChangeValue({ customerId, fromTier, toTier, at: 1_700_000_000_000, n, scope }));
const changeAlertId = (customerId: string, n: number, kind: string) => `global|${customerId}|test-${n}|${kind}`;

function alerterEnv(url: string): Record<string, string> {
  return {
    TOPIC_CHURN_RISK: topics.churnRisk,
    TOPIC_TIER_CHANGES: topics.tierChanges,
    ALERTER_DLQ_TOPIC: dlqTopic,
    REDIS_KEY_PREFIX: prefix,
    KAFKA_GROUP_ID: `alerter-${suffix}`,
    WEBHOOK_URL: url,
    WEBHOOK_SECRET: secret,
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_BACKOFF_MS: '1500',
    WEBHOOK_BACKOFF_MAX_MS: '1500',
    // one at a time: the test kills the alerter in K8's backoff with K9 and K10 still queued behind it
    WEBHOOK_CONCURRENCY: '1',
    ALERT_LEASE_MS: '1000',
  };
}

beforeAll(async () => {
  kafka = testKafka();
  redis = new Redis(config.redisUrl);
  codec = new SchemaCodec({ registryUrl: config.registryUrl });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [topics.churnRisk, topics.tierChanges, dlqTopic].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  await admin.disconnect();
  riskId = await codec.registerFile(`${topics.churnRisk}-value`, 'ChurnRisk.avsc');
  tierId = (await registerInputSchemas(codec, { aggregates: `${topics.aggregates}`, tierChanges: topics.tierChanges })).tierId;
  for (let i = 1; i <= 12; i++) await redis.hset(`${prefix}profile:K${i}`, { accountManager: `am-K${i}@example.com`, name: `Kappa ${i}` });
});

afterAll(async () => {
  for (const s of services) await s.stop();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await deleteTopics(kafka, [topics.churnRisk, topics.tierChanges, dlqTopic, `${topics.aggregates}`]);
  redis.disconnect();
});

describe('alerter on the real stack', () => {
  it('one signed webhook call per alert, routed by the care programme, across a kill -9 and a replay; dead-letter after the last retry', async () => {
    // K8's first call fails (503) and the alerter is killed in its backoff; FAIL always 500s
    const receiver = await startWebhookReceiver({
      secret,
      answer: (alertId, attempt) => (alertId.includes(':FAIL:') ? 500 : alertId.includes(':K8:') && attempt === 1 ? 503 : 200),
    });
    try {
      let alerter = await startService('alerter', alerterEnv(receiver.url));
      services.push(alerter);
      await alerter.ready();

      const wave1 = [
        ...[1, 2, 3, 4, 5].map((i) => risk(`K${i}`, 'A', 1)),
        risk('B1', 'B', 1),
        risk('C1', 'C', 1), // C: no alert
        risk('K1', 'A', 2, 'RESOLVED'),
        risk('K8', 'A', 1),
        risk('K9', 'A', 1),
        risk('K10', 'A', 1),
      ];
      const tierWave = [
        change('K6', 'B', 'A', 1), // has an account manager: no "assign" alert
        change('N6', 'B', 'A', 5), // no profile: assign an account manager
        change('K7', 'A', 'B', 2), // review
        change('K7', 'A', 'C', 3, 'region:north'), // not global: nothing
        change('B2', 'B', 'C', 4), // not out of A: nothing
      ];
      await produce(kafka, topics.tierChanges, tierWave);
      await produce(kafka, topics.churnRisk, wave1);

      await receiver.waitFor((c) => c.alertId === riskAlertId('K8', 1) && c.status === 503);
      await alerter.kill9(); // mid-stream, in K8's backoff: K9, K10 and wave 2 not delivered yet
      const deliveredBeforeKill = receiver.calls.filter((c) => c.status === 200).length;

      // while it is down: new events, and a replay of everything already sent (same eventIds)
      await produce(kafka, topics.churnRisk, [risk('K11', 'A', 1), risk('FAIL', 'A', 1), risk('K12', 'B', 1), ...wave1]);
      await produce(kafka, topics.tierChanges, tierWave);

      alerter = await startService('alerter', alerterEnv(receiver.url));
      services.push(alerter);
      await alerter.ready();

      const expected = new Map<string, string>([
        ...[1, 2, 3, 4, 5, 8, 9, 10, 11].map((i): [string, string] => [riskAlertId(`K${i}`, 1), `am-K${i}@example.com`]),
        [riskAlertId('K1', 2, 'RESOLVED'), 'am-K1@example.com'],
        [riskAlertId('B1', 1), 'key-account-team'],
        [riskAlertId('K12', 1), 'key-account-team'],
        [changeAlertId('N6', 5, 'assign-account-manager'), 'key-account-team'],
        [changeAlertId('K7', 2, 'review'), 'am-K7@example.com'],
      ]);
      const keys = alertKeys(prefix);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ok = new Set(receiver.calls.filter((c) => c.status === 200).map((c) => c.alertId));
        const dead = await redis.llen(keys.dead);
        if ([...expected.keys()].every((id) => ok.has(id)) && dead >= 1 && (await redis.llen(keys.queue)) === 0) break;
        if (Date.now() > deadline) throw new Error(`not all alerts delivered: have ${[...ok].join(', ')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 1_000)); // anything extra would arrive now

      expect(deliveredBeforeKill).toBeGreaterThan(0);
      expect(deliveredBeforeKill).toBeLessThan(expected.size);
      expect(receiver.calls.every((c) => c.signatureValid)).toBe(true);
      const delivered = receiver.calls.filter((c) => c.status === 200);
      // exactly one accepted call per alert, none for anything else
      expect(delivered.map((c) => c.alertId).sort()).toEqual([...expected.keys()].sort());
      for (const c of delivered) expect(c.body.recipient).toBe(expected.get(c.alertId));
      // the failed K8 call was retried once after the restart; FAIL tried 3 times then dead-lettered
      expect(receiver.calls.filter((c) => c.alertId === riskAlertId('K8', 1)).map((c) => c.status)).toEqual([503, 200]);
      expect(receiver.calls.filter((c) => c.alertId === riskAlertId('FAIL', 1)).map((c) => c.status)).toEqual([500, 500, 500]);
      const dead = (await redis.lrange(keys.dead, 0, -1)).map((r) => JSON.parse(r) as DeadLetter);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ alert: { alertId: riskAlertId('FAIL', 1) }, attempts: 3, code: 'HTTP_STATUS' });
      expect(await redis.hget(keys.stats, 'dead')).toBe('1');
    } finally {
      await receiver.close();
    }
  });
});
