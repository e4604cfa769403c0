import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { repoRoot, topicEnv } from './cli-process';

// `npm start` (tierflow start) with nothing configured but its own names: it finds the running
// local stack (and leaves it alone), starts every service that exists, feeds the simulator,
// prints the dashboard address, and Ctrl-C stops everything it started.
const id = randomUUID().slice(0, 8);
const topics = topicsWithSuffix(randomUUID());
const prefix = `t-start-${id}:`;
const logger = createLogger({ name: 'test', level: 'warn' });
const config = connectionConfig();
const redis = createRedis({ url: config.redisUrl, logger, name: 'test-start' });
const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'test-start', logger });

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let startPgid: number | undefined;

afterAll(async () => {
  if (startPgid) {
    try {
      process.kill(-startPgid, 'SIGKILL'); // whatever is left of the job's process group
    } catch {
      // already gone
    }
  }
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: Object.values(topics).filter((t) => existing.has(t)) }).catch(() => undefined);
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

describe('tierflow start (npm start)', () => {
  it('runs the whole pipeline on the simulator, serves the dashboard, and stops everything it started on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli/src/main.ts', 'start', '--customers', '80', '--history-days', '40', '--rate', '20'], {
      cwd: repoRoot,
      detached: true, // its own process group, like a terminal's foreground job
      env: {
        ...process.env,
        ...topicEnv(topics),
        REDIS_KEY_PREFIX: prefix,
        DASHBOARD_PORT: String(port),
        HTTP_PORT: '0',
        TIERFLOW_INSTANCE: id,
        SERVICE_LOG_DIR: path.join(repoRoot, 'test-results', `start-${id}`),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    startPgid = child.pid;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`start exited (${child.exitCode}) before ${what}:\n${out}`);
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`timed out waiting for ${what}; output so far:\n${out}`);
    };
    try {
      await waitFor('the dashboard address', () => out.includes(`dashboard: http://127.0.0.1:${port}/`), 120_000);
      expect(out).toMatch(/already up \(pid \d+\)/); // the shared stack was found running
      const pids = [...out.matchAll(/^\s+(\S+)\s+started \(pid (\d+)\)/gm)].map((m) => ({ name: m[1]!, pid: Number(m[2]) }));
      expect(pids.map((p) => p.name)).toEqual(expect.arrayContaining(['aggregator', 'ranker', 'dashboard']));

      // history, then live: the dashboard ranks the simulated customers and keeps moving
      let summary: { customers: number; tiers: Array<{ tier: string; customers: number }> } = { customers: 0, tiers: [] };
      await waitFor('ranked customers on the dashboard', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/summary`).catch(() => null);
        if (!res?.ok) return false;
        summary = (await res.json()) as typeof summary;
        return summary.customers >= 60 && (summary.tiers.find((t) => t.tier === 'A')?.customers ?? 0) > 0;
      }, 180_000);
      await waitFor('the live phase', () => out.includes('simulator live: 20 events/s'), 120_000);
      const top = (await (await fetch(`http://127.0.0.1:${port}/api/top?limit=3`)).json()) as { rows: Array<{ rank: number; tier: string }> };
      expect(top.rows.map((r) => r.rank)).toEqual([1, 2, 3]);
      expect(top.rows[0]?.tier).toBe('A');
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(await page.text()).toContain('tierflow · key accounts');

      process.kill(-child.pid!, 'SIGINT'); // Ctrl-C
      expect(await exited).toBe(0);
      expect(out).toMatch(/stopped aggregator, ranker/);
      for (const p of pids) expect({ name: p.name, alive: alive(p.pid) }).toEqual({ name: p.name, alive: false });
      expect(out).not.toMatch(/stopped (kafka|redis|registry)/i); // it did not start the stack, so it leaves it running
      const res = await fetch(`${config.registryUrl}/subjects`);
      expect(res.status).toBe(200);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 420_000);
});
