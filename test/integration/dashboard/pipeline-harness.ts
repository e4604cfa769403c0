import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis, type Redis } from '@tierflow/runtime/redis/redis-client';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import { topicsWithSuffix, type Topics } from '@tierflow/contracts/topics';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A private pipeline for one test: its own topics and Redis prefix, and the real services
 * (services/<name>/src/main.ts) started as child processes against them. Logs go to
 * test-results/<name>-<id>.log so a failure can be read.
 */
export class PipelineHarness {
  readonly id = randomUUID().slice(0, 8);
  readonly topics: Topics = topicsWithSuffix(randomUUID());
  readonly prefix = `t-${this.id}:`;
  readonly connection = connectionConfig();
  readonly logger = createLogger({ name: 'test', level: 'warn' });
  readonly kafka = createKafka({ brokers: this.connection.kafkaBrokers, clientId: `test-${this.id}`, logger: this.logger });
  readonly redis: Redis = createRedis({ url: this.connection.redisUrl, logger: this.logger, name: `test-${this.id}` });
  private readonly children: Array<{ name: string; child: ChildProcess; log: string }> = [];

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      TOPIC_TRANSACTIONS: this.topics.transactions,
      TOPIC_TRANSACTIONS_DLQ: this.topics.transactionsDlq,
      TOPIC_PROFILES: this.topics.profiles,
      TOPIC_AGGREGATES: this.topics.aggregates,
      TOPIC_TIER_CHANGES: this.topics.tierChanges,
      TOPIC_CHURN_RISK: this.topics.churnRisk,
      REDIS_KEY_PREFIX: this.prefix,
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      // history is older than the allowed lateness of a wall clock: event time must drive the windows
      TIME_MODE: 'replay',
      // exact tiers: the tests compute the expected ones with a plain sort
      HYSTERESIS_MARGIN: '0',
      HYSTERESIS_MIN_DWELL_MS: '0',
      ...extra,
    };
  }

  /** Creates the pipeline's topics (as docs/contracts.md shapes them) before any service starts. */
  async createTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, pipelineTopicSpecs(this.topics, 6));
    } finally {
      await admin.disconnect();
    }
  }

  static serviceExists(name: string): boolean {
    return existsSync(path.join(repoRoot, 'services', name, 'src', 'main.ts'));
  }

  /** Starts a service's real entry point with this harness's topics and prefix. */
  startService(name: string, extra: NodeJS.ProcessEnv = {}): void {
    const dir = path.join(repoRoot, 'test-results');
    mkdirSync(dir, { recursive: true });
    const log = path.join(dir, `${name}-${this.id}.log`);
    const out = openSync(log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('services', name, 'src', 'main.ts')], {
      cwd: repoRoot,
      env: this.env({ KAFKA_GROUP_ID: `test-${name}-${this.id}`, ...extra }),
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.children.push({ name, child, log });
  }

  logOf(name: string): string {
    const c = this.children.find((x) => x.name === name);
    return c && existsSync(c.log) ? readFileSync(c.log, 'utf8') : '';
  }

  /** Polls until check() returns a value (not undefined/null/false), or fails after timeoutMs naming what it waited for. */
  async waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const v = await check();
        if (v !== null && v !== undefined && v !== false) return v;
      } catch (err) {
        last = err;
      }
      for (const c of this.children) {
        if (c.child.exitCode !== null) throw new Error(`${c.name} exited (${c.child.exitCode}) while waiting for ${what}:\n${this.logOf(c.name).slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
  }

  /** Stops the services (SIGTERM, then SIGKILL after 10 s) and waits until they are gone. */
  async stopServices(): Promise<void> {
    for (const c of this.children) if (c.child.exitCode === null) c.child.kill('SIGTERM');
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.child.exitCode !== null) return resolve();
            const t = setTimeout(() => c.child.kill('SIGKILL'), 10_000);
            c.child.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
  }

  /** Stops the services, deletes the topics and every key under the prefix. */
  async close(): Promise<void> {
    await this.stopServices();
    const admin = this.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = Object.values(this.topics).filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(this.id));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.redis.del(...keys);
    } while (cursor !== '0');
    this.redis.disconnect();
  }
}
