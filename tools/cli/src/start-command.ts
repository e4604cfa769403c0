import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { parseEnv } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis, type Redis } from '@tierflow/runtime/redis/redis-client';
import { topicsFromEnv } from '@tierflow/contracts/topics';
import { dashboardAddress } from '@tierflow/runtime/config/dashboard-address';
import { pipelineSettings } from '@tierflow/runtime/config/pipeline-settings';
import { BillingProducer } from './billing-producer';
import { flagBool, flagInt, parseArgs } from './cli-args';
import { partitionShape } from './simulate-command';
import { runSimulation } from './simulate/simulation-runner';
import { kafkaProcess } from './stack/kafka-server';
import { stackUp } from './stack/local-stack';
import { runningPid, stopProcess, tailOf, type ManagedProcess } from './stack/process-control';
import { redisProcess } from './stack/redis-server';
import { registryProcess } from './stack/registry-server';
import { repoRoot, stackLayout } from './stack/stack-layout';
import { availableServices, serviceEnv, startService, stopServices, type RunningService } from './start/service-runner';
import { UsageError } from './usage-error';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';

export const startUsage = 'start [--customers N] [--history-days D] [--rate R] [--speedup X] [--seed N] [--no-simulate]';

const say = (msg: string) => process.stdout.write(`${msg}\n`);
const MAX_RESTARTS = 5;

const flags = {
  customers: { kind: 'int', min: 1, max: 1_000_000 },
  'history-days': { kind: 'int', min: 0, max: 3_650 },
  rate: { kind: 'number', min: 0, max: 100_000 },
  speedup: { kind: 'number', min: 1, max: 1_000_000 },
  seed: { kind: 'int', min: 0, max: 2 ** 32 - 1 },
  'no-simulate': { kind: 'bool' },
} as const;

/**
 * `tierflow start` (npm start): the whole pipeline on this machine. Starts the local stack
 * unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL / REDIS_URL point elsewhere, every service as a
 * child process, and the simulator (history first when the transactions topic is empty, then
 * live); prints the dashboard's address. Ctrl-C stops everything it started, and only that.
 */
export async function startCommand(args: string[]): Promise<number> {
  const { flags: f, positionals } = parseArgs({ command: 'start', args, flags });
  if (positionals.length > 0) throw new UsageError(`start: unexpected argument ${positionals[0]}`);
  const connection = connectionConfig();
  const dashboard = { ...dashboardAddress(), keyPrefix: pipelineSettings().keyPrefix };
  const { TRANSACTIONS_PARTITIONS } = parseEnv(partitionShape);
  const layout = stackLayout();
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (!interrupted) say('\nstopping…');
    interrupted = true;
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const startedStack: ManagedProcess[] = [];
  const services: RunningService[] = [];
  let producer: BillingProducer | null = null;
  let closeRedis = () => {};
  let exitCode = 0;
  try {
    if (connection.usesLocalStack) {
      const procs = [redisProcess(layout), kafkaProcess(layout), registryProcess(layout)];
      const wasRunning = procs.map((p) => runningPid(p) !== null);
      say('starting the local stack (Kafka, schema registry, Redis)…');
      await stackUp(layout, (m) => say(`  ${m}`));
      procs.forEach((p, i) => {
        if (!wasRunning[i]) startedStack.push(p);
      });
    } else {
      say(`using KAFKA_BROKERS=${connection.kafkaBrokers.join(',')} SCHEMA_REGISTRY_URL=${connection.registryUrl} REDIS_URL=${connection.redisUrl}`);
    }
    if (abort.signal.aborted) return 130;

    const env = {
      ...process.env,
      // the simulator's history is older than a wall clock's allowed lateness: event time drives the windows
      TIME_MODE: process.env.TIME_MODE ?? 'replay',
      KAFKA_BROKERS: connection.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: connection.registryUrl,
      REDIS_URL: connection.redisUrl,
    };
    const logDir = process.env.SERVICE_LOG_DIR ?? path.join(layout.logDir, 'services');
    for (const s of availableServices(repoRoot)) {
      if (!s.exists) {
        say(`  ${s.name.padEnd(11)} not started: ${path.relative(repoRoot, s.entry)} does not exist in this checkout`);
        continue;
      }
      const launch = (attempt: number) => {
        const running = startService({ name: s.name, entry: s.entry, repoRoot, logDir, env: serviceEnv(s.name, env) });
        const i = services.findIndex((x) => x.name === s.name);
        if (i >= 0) services[i] = running;
        else services.push(running);
        say(`  ${s.name.padEnd(11)} ${attempt === 0 ? 'started' : 'restarted'} (pid ${running.pid}), log ${path.relative(process.cwd(), running.logFile)}`);
        void running.exited.then((code) => {
          if (interrupted) return;
          say(`\n${running.name} exited unexpectedly (${code}); last lines of ${running.logFile}:\n${tailOf(running.logFile, 8)}`);
          if (attempt >= MAX_RESTARTS) {
            exitCode = 1;
            say(`${running.name} failed ${attempt + 1} times: not restarting it`);
            return;
          }
          // a service that fails (a server briefly unavailable, say) is started again after a pause
          setTimeout(() => {
            if (!interrupted) launch(attempt + 1);
          }, 2_000 * (attempt + 1));
        });
      };
      launch(0);
    }
    const dash = services.find((s) => s.name === 'dashboard');
    if (dash) {
      const host = dashboard.host === '0.0.0.0' || dashboard.host === '::' ? '127.0.0.1' : dashboard.host;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${dashboard.port}/`;
      const up = await waitForHttp(`${url}healthz`, 90_000, abort.signal);
      if (up) say(`\ndashboard: ${url}${dashboard.apiToken ? ' (sign in at /login with DASHBOARD_API_TOKEN)' : ''}\n`);
      else if (!abort.signal.aborted) say(`dashboard did not answer at ${url} — see ${dash.logFile}`);
    }
    if (flagBool(f, 'no-simulate') || abort.signal.aborted) {
      if (!abort.signal.aborted) say('simulator off (--no-simulate); Ctrl-C to stop');
      await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
      return interrupted ? 0 : exitCode;
    }

    const logger = createLogger({ name: 'start', level: 'error' });
    const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-start-simulator', logger });
    const topics = topicsFromEnv();
    producer = new BillingProducer({ kafka, registryUrl: connection.registryUrl, registry: connection.registry, topics, transactionsPartitions: TRANSACTIONS_PARTITIONS });
    await producer.start();
    const hasHistory = await topicHasRecords(kafka, topics.transactions);
    const historyDays = hasHistory ? 0 : flagInt(f, 'history-days', 120);
    if (hasHistory) say(`${topics.transactions} already holds records: no history this time, live only`);
    const rate = typeof f.rate === 'number' ? f.rate : 20;
    const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'tierflow-start' });
    closeRedis = () => redis.disconnect();
    const aggregatorRunning = services.some((s) => s.name === 'aggregator');
    const bar = new SingleBar({ format: 'simulator history |{bar}| {value}/{total} days | {events} events', hideCursor: true }, Presets.shades_classic);
    let historyEvents = 0;
    let liveEvents = 0;
    let lastReport = Date.now();
    await runSimulation({
      sink: producer,
      seed: flagInt(f, 'seed', 1),
      customers: flagInt(f, 'customers', 2_000),
      historyDays,
      rate,
      speedup: typeof f.speedup === 'number' ? f.speedup : undefined,
      signal: abort.signal,
      // CRM data first: the ranker takes a customer's region from its stored profile
      afterProfiles: async (profiles) => {
        if (!aggregatorRunning || historyDays === 0) return;
        const stored = await waitForProfiles(redis, dashboard.keyPrefix, profiles.map((p) => p.customerId), 60_000, abort.signal);
        if (!stored) say('profiles not all stored after 60 s; going on (regions of some customers may show as unassigned)');
      },
      onHistoryStart: (days) => days > 0 && bar.start(days, 0, { events: 0 }),
      onHistoryDay: (day, n) => {
        historyEvents += n;
        bar.update(day, { events: historyEvents });
      },
      onLiveStart: () => {
        bar.stop();
        say(`simulator live: ${rate} events/s (Ctrl-C stops everything)`);
      },
      onLiveBatch: (n) => {
        liveEvents += n;
        if (Date.now() - lastReport >= 30_000) {
          lastReport = Date.now();
          say(`simulator: ${liveEvents} live events sent`);
        }
      },
    });
    bar.stop();
    return interrupted ? 0 : exitCode;
  } finally {
    abort.abort();
    interrupted = true;
    await producer?.stop().catch(() => undefined);
    closeRedis();
    if (services.length > 0) {
      await stopServices(services);
      say(`stopped ${services.map((s) => s.name).join(', ')}`);
    }
    for (const p of [...startedStack].reverse()) {
      await stopProcess(p);
      say(`stopped ${p.name}`);
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function waitForProfiles(redis: Redis, prefix: string, ids: string[], timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    const pipe = redis.pipeline();
    for (const id of ids) pipe.exists(profileKey(prefix, id));
    if (((await pipe.exec()) ?? []).every(([, n]) => n === 1)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function topicHasRecords(kafka: ReturnType<typeof createKafka>, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.some((o) => Number(o.high) > Number(o.low));
  } finally {
    await admin.disconnect();
  }
}

async function waitForHttp(url: string, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
