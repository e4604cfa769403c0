import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from 'kafkajs';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { deleteTopics, produce, testKafka } from '../../../tools/testkit/src/kafka-io';
import { freePort } from '../../../tools/testkit/src/free-port';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { encodeMessage, registerInputSchemas } from '../churn/churn-fixtures';
import { startWebhookReceiver } from '../alerter/webhook-receiver';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const deployDir = path.join(repoRoot, 'deploy/prometheus');
const suffix = randomUUID();
const topics = topicsWithSuffix(suffix);
const prefix = `test:prom:${suffix}:`;
const secret = 'whsec_' + Buffer.from(randomUUID()).toString('base64');
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const work = mkdtempSync(path.join(tmpdir(), 'tierflow-prometheus-'));
let prometheus: ChildProcess | null = null;
let promUrl = '';
let alerter: ServiceProcess;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

async function promQuery<T>(apiPath: string): Promise<T> {
  const res = await fetch(`${promUrl}${apiPath}`);
  const body = (await res.json()) as { status: string; data: T };
  expect(body.status).toBe('success');
  return body.data;
}

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  // a real alerter whose webhook receiver hangs, with a queue of 1: it fills, and says so
  receiver = await startWebhookReceiver({ secret, answer: () => 200, delayMs: () => 60_000 });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [topics.churnRisk, topics.tierChanges].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  await admin.disconnect();
  const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
  const riskId = await codec.registerFile(`${topics.churnRisk}-value`, 'ChurnRisk.avsc');
  await registerInputSchemas(codec, { aggregates: topics.aggregates, tierChanges: topics.tierChanges });
  alerter = await startService('alerter', {
    TOPIC_CHURN_RISK: topics.churnRisk, TOPIC_TIER_CHANGES: topics.tierChanges, ALERTER_DLQ_TOPIC: `customer.alerter.dlq.${suffix}`,
    REDIS_KEY_PREFIX: prefix, KAFKA_GROUP_ID: `alerter-${suffix}`, WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret,
    WEBHOOK_QUEUE_MAX: '1', WEBHOOK_CONCURRENCY: '1', WEBHOOK_TIMEOUT_MS: '120000',
  });
  await alerter.ready();
  const risk = (customerId: string): Message =>
    encodeMessage(codec, riskId, customerId, {
      eventId: `churn:${customerId}:REVENUE_DECLINE:RAISED:1`, customerId, signal: 'REVENUE_DECLINE', status: 'RAISED', severity: 'MEDIUM',
      score: 0.5, tier: 'A', trigger: `${customerId}:1`, eventTime: 1_700_000_000_000, watermark: 1_700_000_000_000,
      explanation: [{ signal: 'REVENUE_DECLINE', active: true, strength: 0.5, summary: 'down', figures: { dropRatio: 0.5 } }],
      attractiveness: 'HIGH', relationship: 'AVERAGE', strategy: 'develop',
    });
  // P1 fills the queue (its delivery hangs); then P2 cannot enter: full (sent apart, so they are
  // not one batch, which an empty queue would let in whole)
  await produce(kafka, topics.churnRisk, [risk('P1')]);
  await until('P1 queued', async () => (await redis.llen(`${prefix}{al}:queue`)) === 1);
  await produce(kafka, topics.churnRisk, [risk('P2')]);

  // Debian's prometheus with the repo's own rules, scraping the alerter and a port nothing listens on
  const deadPort = await freePort();
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(path.join(work, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: ['${path.join(deployDir, 'rules/tierflow-alerts.yml')}']`,
    'scrape_configs:',
    '  - job_name: tierflow',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${alerter.port}']`,
    '        labels: { service: alerter }',
    `      - targets: ['127.0.0.1:${deadPort}']`,
    '        labels: { service: ranker }',
    '',
  ].join('\n'));
  prometheus = spawn('prometheus', [
    `--config.file=${path.join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(work, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: 'ignore' });
  await until('prometheus ready', async () => (await fetch(`${promUrl}/-/ready`)).status === 200, 60_000);
}, 180_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await alerter?.stop();
  await receiver?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await deleteTopics(kafka, [topics.churnRisk, topics.tierChanges, topics.aggregates, `customer.alerter.dlq.${suffix}`]);
  rmSync(work, { recursive: true, force: true });
});

type Sample = { metric: Record<string, string>; value: [number, string] };
type Rule = { name: string; state: string; alerts?: Array<{ labels: Record<string, string>; state: string }> };

describe('deploy/prometheus with Debian\'s prometheus against running services', () => {
  it('promtool accepts the scrape config and the rules, and the rules\' unit tests pass', async () => {
    const config = await run('promtool', ['check', 'config', path.join(deployDir, 'prometheus.yml')]);
    expect(config.stdout).toMatch(/SUCCESS: .*prometheus\.yml is valid/);
    const rules = await run('promtool', ['check', 'rules', path.join(deployDir, 'rules/tierflow-alerts.yml')]);
    expect(rules.stdout).toMatch(/SUCCESS: 8 rules found/);
    const tests = await run('promtool', ['test', 'rules', path.join(deployDir, 'rules/tierflow-alerts.test.yml')]);
    expect(tests.stdout).toMatch(/SUCCESS/);
  });

  it('scrapes the alerter (up == 1, stock Node metric names with a service label, seconds), not the dead port (up == 0)', async () => {
    const up = await until('both targets scraped', async () => {
      const data = await promQuery<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent('up{job="tierflow"}')}`);
      return data.result.length === 2 ? data.result : null;
    });
    const byService = Object.fromEntries(up.map((s) => [s.metric.service, s.value[1]]));
    expect(byService).toEqual({ alerter: '1', ranker: '0' });
    const node = await promQuery<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent('process_resident_memory_bytes{job="tierflow"}')}`);
    expect(node.result.map((s) => s.metric.service)).toEqual(['alerter']);
    const prefixed = await promQuery<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent('{__name__=~"tierflow_alerter_process_.+"}')}`);
    expect(prefixed.result).toEqual([]);
    const lag = await until('consumer lag series', async () => {
      const d = await promQuery<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent('tierflow_consumer_lag_records{service="alerter"}')}`);
      return d.result.length > 0 ? d.result : null;
    });
    expect(lag[0]!.metric.topic).toBe(topics.churnRisk);
    // one health body shape in every service (the dashboard's is checked in its security test)
    expect(await (await fetch(`http://127.0.0.1:${alerter.port}/healthz`)).json()).toEqual({ status: 'ok', service: 'alerter' });
    expect(await (await fetch(`http://127.0.0.1:${alerter.port}/readyz`)).json()).toEqual({ status: 'ready', service: 'alerter' });
  });

  it('reads back rule states: the webhook queue full is pending for the alerter, the dead target\'s service-down too', async () => {
    let last = '';
    const rules = await until('TierflowWebhookQueueFull and TierflowServiceDown pending', async () => {
      const data = await promQuery<{ groups: Array<{ rules: Rule[] }> }>('/api/v1/rules?type=alert');
      const all = data.groups.flatMap((g) => g.rules);
      last = JSON.stringify(all.map((r) => [r.name, r.state]));
      const full = all.find((r) => r.name === 'TierflowWebhookQueueFull');
      const down = all.find((r) => r.name === 'TierflowServiceDown');
      // `for: 2m` / `for: 5m`: pending first (the service-down one fires after two minutes)
      return full?.state === 'pending' && (down?.state === 'pending' || down?.state === 'firing') ? all : null;
    }, 60_000).catch(async (err: Error) => {
      const q = await promQuery<{ result: Sample[] }>(`/api/v1/query?query=tierflow_alerter_queue_full`);
      throw new Error(`${err.message}; rules ${last}; queue_full ${JSON.stringify(q.result)}`);
    });
    const down = rules.find((r) => r.name === 'TierflowServiceDown')!;
    expect(down.alerts?.map((a) => a.labels.service)).toEqual(['ranker']);
    const full = rules.find((r) => r.name === 'TierflowWebhookQueueFull')!;
    expect(full.alerts?.map((a) => [a.labels.service, a.state])).toEqual([['alerter', 'pending']]);
    expect(['pending', 'firing']).toContain(down.alerts?.[0]?.state);
    // nothing dead-lettered and no crash loop here: those rules are inactive
    expect(rules.find((r) => r.name === 'TierflowDeadLetterRate')?.state).toBe('inactive');
    expect(rules.find((r) => r.name === 'TierflowCrashLooping')?.state).toBe('inactive');
  });
});
