import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { churnKeys } from '../../../shared/contracts/src/keyspace/churn-watch/churn-keys';
import { readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { repoRoot, topicEnv } from './cli-process';

// The main job (`npm start`) over simulated months of billing (issue 14: churn-watch
// crash-looped two minutes in on a fractional timer time, and churn risks stopped reaching the
// topic, the dashboard and the alerter). History runs at full speed: 130 simulated days (the
// first 30 fill the previous window and the minimum tenure, then ~100 days in which timers fire
// and risks are raised), then live events. Asserts: no service logs `consumer crashed`, churn-risk records
// keep arriving on the topic while the days pass, churn-watch's outbox drains, nothing of it
// is dead-lettered, and the dashboard feed and the alerter receive them.
const id = randomUUID().slice(0, 8);
const topics = topicsWithSuffix(randomUUID());
const churnDlq = `customer.churn-watch.dlq.${id}`;
const alerterDlq = `customer.alerter.dlq.${id}`;
const prefix = `t-start30-${id}:`;
const logDir = path.join(repoRoot, 'test-results', `start30-${id}`);
const logger = createLogger({ name: 'test', level: 'warn' });
const config = connectionConfig();
const redis = createRedis({ url: config.redisUrl, logger, name: 'test-start30' });
const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'test-start30', logger });
const admin = kafka.admin();

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
const topicCount = async (topic: string) => {
  const existing = await admin.listTopics();
  if (!existing.includes(topic)) return 0;
  return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
};

let pgid: number | undefined;
afterAll(async () => {
  if (pgid) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: [...Object.values(topics), churnDlq, alerterDlq].filter((t) => existing.has(t)) }).catch(() => undefined);
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(id));
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  await admin.disconnect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
});

describe('the main job over simulated days', () => {
  it('no consumer crashes; churn risks keep flowing to the topic, the dashboard feed and the alerter', async () => {
    await admin.connect();
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli/src/main.ts', 'start', '--customers', '150', '--history-days', '130', '--rate', '30'], {
      cwd: repoRoot,
      detached: true,
      env: {
        ...process.env,
        ...topicEnv(topics),
        CHURN_DLQ_TOPIC: churnDlq,
        ALERTER_DLQ_TOPIC: alerterDlq,
        REDIS_KEY_PREFIX: prefix,
        DASHBOARD_PORT: String(port),
        DASHBOARD_FEED_SIZE: '10000',
        HTTP_PORT: '0',
        TIERFLOW_INSTANCE: id,
        SERVICE_LOG_DIR: logDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pgid = child.pid;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 1_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`start exited (${child.exitCode}) before ${what}:\n${out}`);
        if (await check()) return;
        await new Promise((r) => setTimeout(r, everyMs));
      }
      throw new Error(`timed out waiting for ${what}; output so far:\n${out}`);
    };
    const crashLines = () =>
      readdirSync(logDir)
        .flatMap((f) => readFileSync(path.join(logDir, f), 'utf8').split('\n').map((line) => ({ file: f, line })))
        .filter((l) => l.line.includes('"msg":"consumer crashed"') || l.line.includes('consumer stopped for good'));
    try {
      await waitFor('the dashboard address', () => out.includes(`dashboard: http://127.0.0.1:${port}/`), 120_000);
      // the dashboard's live feed as a browser sees it: server-sent events from now on
      const sse = new AbortController();
      let sseRisks = 0;
      const feedRes = await fetch(`http://127.0.0.1:${port}/events`, { signal: sse.signal });
      void (async () => {
        const reader = feedRes.body!.getReader();
        let text = '';
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done) return;
          text += Buffer.from(value!).toString();
          const parts = text.split('\n\n');
          text = parts.pop() ?? '';
          sseRisks += parts.filter((p) => p.startsWith('event: churn-risk')).length;
        }
      })();
      await waitFor('the live phase', () => out.includes('simulator live: 30 events/s'), 400_000);
      expect(await topicCount(topics.churnRisk)).toBeGreaterThan(20);

      // churn-watch catches up and its outbox drains: everything it computed reached the topic
      await waitFor('churn-watch outbox drained', async () => (await redis.llen(churnKeys(prefix).outbox)) === 0, 120_000);
      const risks = await topicCount(topics.churnRisk);
      expect(await topicCount(churnDlq)).toBe(0); // nothing dead-lettered: every derived time is an integer
      // they flowed all through the simulated days, not only until the first timer (issue 14)
      const codec = new SchemaCodec({ registryUrl: config.registryUrl });
      const records = await readTopic(testKafka(), topics.churnRisk, (m) => m.length >= risks);
      const events = await Promise.all(records.map((m) => codec.decode<{ eventTime: number; trigger: string }>(m.value)));
      const days = new Set(events.map((e) => Math.floor(e.eventTime / 86_400_000)));
      const span = (Math.max(...events.map((e) => e.eventTime)) - Math.min(...events.map((e) => e.eventTime))) / 86_400_000;
      // the simulator's key accounts decline or go silent late in the period, so the risks
      // cluster in its last weeks: they must come from many days there, not stop at the first
      expect(span, `churn risks over ${span.toFixed(1)} simulated days`).toBeGreaterThanOrEqual(7);
      expect(days.size, `churn risks on ${days.size} distinct days`).toBeGreaterThanOrEqual(5);
      expect(events.some((e) => e.trigger.startsWith('timer:'))).toBe(true); // silence timers fired and were sent
      for (const e of events) expect(Number.isInteger(e.eventTime)).toBe(true);

      // the alerter read them (its applied offset is the topic's end) and delivered alerts
      await waitFor('the alerter at the churn-risk topic end', async () => {
        const applied = await redis.hget(`${prefix}{al}:offsets`, `${topics.churnRisk}:0`);
        return applied !== null && Number(applied) >= risks - 1;
      }, 120_000);
      expect(Number((await redis.hget(`${prefix}{al}:stats`, 'delivered')) ?? 0)).toBeGreaterThan(0);
      // the dashboard's live feed pushed them (its recent list keeps DASHBOARD_FEED_SIZE items of both kinds)
      await waitFor('churn risks on the dashboard feed', () => sseRisks >= Math.min(risks, 20), 60_000);
      const feed = (await (await fetch(`http://127.0.0.1:${port}/api/feed?type=churn-risk&limit=500`)).json()) as { items: unknown[] };
      expect(feed.items.length).toBeGreaterThan(0);
      sse.abort();

      // live: the pipeline keeps running for a while without a crash
      await new Promise((r) => setTimeout(r, 20_000));
      expect(crashLines()).toEqual([]);
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      expect(crashLines()).toEqual([]);
      // a service that failed to start (a topic another service had just created, not yet in
      // the metadata: a known start-up race, not a consumer crash) is restarted by `start`;
      // it must not have failed more than once
      expect(out).not.toMatch(/failed \d+ times: not restarting it/);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 900_000);
});
