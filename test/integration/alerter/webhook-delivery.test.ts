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
import { encodeMessage, registerInputSchemas } from '../churn/churn-fixtures';
import { startRedirectingReceiver, startWebhookReceiver } from './webhook-receiver';

const config = connectionConfig();
let kafka: Kafka;
let redis: Redis;
let codec: SchemaCodec;
const services: ServiceProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

/** A private set of topics, a Redis prefix and the schema ids, per test. */
async function fixture() {
  const suffix = randomUUID();
  const topics = topicsWithSuffix(suffix);
  const dlqTopic = `customer.alerter.dlq.${suffix}`;
  const prefix = `test:wh:${suffix}:`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [topics.churnRisk, topics.tierChanges, dlqTopic].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  await admin.disconnect();
  const riskId = await codec.registerFile(`${topics.churnRisk}-value`, 'ChurnRisk.avsc');
  await registerInputSchemas(codec, { aggregates: topics.aggregates, tierChanges: topics.tierChanges });
  cleanups.push(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await deleteTopics(kafka, [topics.churnRisk, topics.tierChanges, dlqTopic, topics.aggregates]);
  });
  const risk = (customerId: string): Message =>
    encodeMessage(codec, riskId, customerId, {
      eventId: `churn:${customerId}:REVENUE_DECLINE:RAISED:1`, customerId, signal: 'REVENUE_DECLINE', status: 'RAISED', severity: 'MEDIUM',
      score: 0.5, tier: 'A', trigger: `${customerId}:1`, eventTime: 1_700_000_000_000, watermark: 1_700_000_000_000,
      explanation: [{ signal: 'REVENUE_DECLINE', active: true, strength: 0.5, summary: 'down', figures: { dropRatio: 0.5 } }],
      attractiveness: 'HIGH', relationship: 'AVERAGE', strategy: 'develop',
    });
  const env = (url: string, extra: Record<string, string> = {}): Record<string, string> => ({
    TOPIC_CHURN_RISK: topics.churnRisk, TOPIC_TIER_CHANGES: topics.tierChanges, ALERTER_DLQ_TOPIC: dlqTopic, REDIS_KEY_PREFIX: prefix,
    KAFKA_GROUP_ID: `alerter-${suffix}`, WEBHOOK_URL: url, WEBHOOK_SECRET: secret, WEBHOOK_BACKOFF_MS: '200', WEBHOOK_BACKOFF_MAX_MS: '400',
    ALERT_LEASE_MS: '1000', ...extra,
  });
  return { topics, prefix, keys: alertKeys(prefix), risk, env };
}

const secret = 'whsec_' + Buffer.from(randomUUID()).toString('base64');

async function alerter(env: Record<string, string>): Promise<ServiceProcess> {
  const s = await startService('alerter', env);
  services.push(s);
  await s.ready();
  return s;
}

async function metric(s: ServiceProcess, name: string, labels = ''): Promise<number | null> {
  const text = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name}{`)));
  return line ? Number(line.split(' ').pop()) : null;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  kafka = testKafka();
  redis = new Redis(config.redisUrl);
  codec = new SchemaCodec({ registryUrl: config.registryUrl });
});

afterAll(async () => {
  for (const s of services) await s.stop();
  for (const c of cleanups) await c().catch(() => undefined);
  redis.disconnect();
});

describe('webhook delivery against real receivers', () => {
  it('a slow receiver: deliveries run 4 at a time (never more), each signed per Standard Webhooks and fresh', async () => {
    const f = await fixture();
    const receiver = await startWebhookReceiver({ secret, answer: () => 200, delayMs: () => 1_000 });
    cleanups.push(receiver.close);
    await alerter(f.env(receiver.url, { WEBHOOK_CONCURRENCY: '4' }));
    const ids = Array.from({ length: 12 }, (_, i) => `S${i}`);
    const started = Date.now();
    await produce(kafka, f.topics.churnRisk, ids.map((id) => f.risk(id)));
    await until('12 deliveries', () => new Set(receiver.calls.filter((c) => c.status === 200).map((c) => c.body.customerId)).size === 12);
    const seconds = (Date.now() - started) / 1000;
    expect(receiver.maxInFlight()).toBe(4);
    // one at a time would take at least 12 s; four at a time about 3 s
    expect(seconds).toBeLessThan(9);
    expect(receiver.calls.every((c) => c.verify.ok)).toBe(true);
    for (const c of receiver.calls) expect(Math.abs(c.timestamp - Date.now() / 1000)).toBeLessThan(60);
    await until('an empty queue', async () => (await redis.llen(f.keys.queue)) === 0);
  });

  it('a receiver that hangs: the breaker opens after 3 timeouts, alerts wait (no attempts spent), all arrive once it recovers', async () => {
    const f = await fixture();
    let hanging = true;
    const receiver = await startWebhookReceiver({ secret, answer: () => 200, delayMs: () => (hanging ? 5_000 : 0) });
    cleanups.push(receiver.close);
    const s = await alerter(f.env(receiver.url, {
      WEBHOOK_CONCURRENCY: '2', WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_BREAKER_FAILURES: '3', WEBHOOK_BREAKER_COOLDOWN_MS: '2000', WEBHOOK_MAX_ATTEMPTS: '4',
    }));
    await produce(kafka, f.topics.churnRisk, ['H1', 'H2', 'H3', 'H4', 'H5'].map((id) => f.risk(id)));
    const destination = `{destination="${new URL(receiver.url).origin}"}`;
    await until('the breaker open', async () => (await metric(s, 'tierflow_alerter_webhook_circuit_state', destination)) === 1, 30_000);
    // open: for the cooldown nothing is sent; everything is still queued, nothing dead-lettered
    const deadNow = await redis.llen(f.keys.dead);
    expect(deadNow).toBe(0);
    expect(await redis.llen(f.keys.queue)).toBe(5);
    hanging = false;
    await until('5 deliveries', () => new Set(receiver.calls.filter((c) => c.status === 200).map((c) => c.body.customerId)).size === 5, 30_000);
    await until('an empty queue', async () => (await redis.llen(f.keys.queue)) === 0);
    expect(await redis.llen(f.keys.dead)).toBe(0);
    expect(await metric(s, 'tierflow_alerter_webhook_circuit_state', destination)).toBe(0);
  });

  it('a redirecting receiver: the redirect is not followed, the signed body never reaches the other path, the alert is dead-lettered', async () => {
    const f = await fixture();
    const receiver = await startRedirectingReceiver(307);
    cleanups.push(receiver.close);
    await alerter(f.env(receiver.url));
    await produce(kafka, f.topics.churnRisk, [f.risk('R1')]);
    await until('a dead letter', async () => (await redis.llen(f.keys.dead)) === 1);
    const [dead] = (await redis.lrange(f.keys.dead, 0, -1)).map((r) => JSON.parse(r) as DeadLetter);
    expect(dead).toMatchObject({ code: 'REDIRECT', attempts: 1, alert: { customerId: 'R1' } });
    expect(dead!.reason).toMatch(/redirect \(307\).*not followed/);
    expect(receiver.redirects()).toBe(1);
    expect(receiver.stolen).toEqual([]);
  });

  it('a full queue pauses input (metric and alarm), keeps the queue bounded, and loses nothing', async () => {
    const f = await fixture();
    let hold = true;
    const receiver = await startWebhookReceiver({ secret, answer: () => 200, delayMs: () => (hold ? 3_000 : 0) });
    cleanups.push(receiver.close);
    const s = await alerter(f.env(receiver.url, { WEBHOOK_QUEUE_MAX: '3', WEBHOOK_CONCURRENCY: '1', WEBHOOK_TIMEOUT_MS: '10000' }));
    const ids = Array.from({ length: 10 }, (_, i) => `Q${i}`);
    // the first one queued before the rest (a batch that finds the queue empty enters whole)
    await produce(kafka, f.topics.churnRisk, [f.risk(ids[0]!)]);
    await until('the first alert queued', async () => (await redis.llen(f.keys.queue)) === 1);
    for (const id of ids.slice(1)) await produce(kafka, f.topics.churnRisk, [f.risk(id)]);
    await until('the queue full', async () => (await metric(s, 'tierflow_alerter_queue_full')) === 1, 30_000);
    let maxDepth = 0;
    for (let i = 0; i < 10; i++) {
      maxDepth = Math.max(maxDepth, await redis.llen(f.keys.queue));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(maxDepth).toBeLessThanOrEqual(3);
    expect(await metric(s, 'tierflow_alerter_queue_capacity')).toBe(3);
    expect(await metric(s, 'tierflow_alerter_queue_full_total')).toBeGreaterThanOrEqual(1);
    hold = false;
    await until('10 deliveries', () => new Set(receiver.calls.filter((c) => c.status === 200).map((c) => c.body.customerId)).size === 10, 60_000);
    await until('the queue empty', async () => (await redis.llen(f.keys.queue)) === 0);
    expect(await metric(s, 'tierflow_alerter_queue_full')).toBe(0);
    // exactly the ten, each once
    expect(receiver.calls.filter((c) => c.status === 200).map((c) => c.body.customerId).sort()).toEqual([...ids].sort());
    expect(await redis.llen(f.keys.dead)).toBe(0);
  });

  it('an unsafe WEBHOOK_URL stops the alerter at start naming the variable', async () => {
    const f = await fixture();
    for (const url of ['gopher://127.0.0.1:6379/_FLUSHALL', 'file:///etc/passwd', 'http://169.254.169.254/latest/meta-data/']) {
      const s = await startService('alerter', f.env(url));
      services.push(s);
      await until(`the alerter to exit on ${url}`, () => s.exited(), 30_000);
      expect(await s.stop()).toBe(1);
    }
  });
});
