import path from 'node:path';
import { parseEnv } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { dashboardAddress } from '@tierflow/runtime/config/dashboard-address';
import { pipelineSettings } from '@tierflow/runtime/config/pipeline-settings';
import { flagBool, flagInt, parseArgs } from './cli-args';
import { partitionShape } from './simulate-command';
import { repoRoot, stackLayout } from './stack/stack-layout';
import { simulationStep } from './start/simulation-step';
import { startStackStep, type StackStep } from './start/stack-step';
import { announceDashboard, superviseServices, type Supervisor } from './start/supervisor';
import { UsageError } from './usage-error';

export const startUsage = 'start [--customers N] [--history-days D] [--rate R] [--speedup X] [--seed N] [--no-simulate]';

const say = (msg: string) => process.stdout.write(`${msg}\n`);

const flags = {
  customers: { kind: 'int', min: 1, max: 1_000_000 },
  'history-days': { kind: 'int', min: 0, max: 3_650 },
  rate: { kind: 'number', min: 0, max: 100_000 },
  speedup: { kind: 'number', min: 1, max: 1_000_000 },
  seed: { kind: 'int', min: 0, max: 2 ** 32 - 1 },
  'no-simulate': { kind: 'bool' },
} as const;

/**
 * `tierflow start` (npm start): the whole pipeline on this machine, in three parts composed
 * here: the local stack unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL / REDIS_URL point elsewhere
 * (start/stack-step.ts), every service as a supervised child process (start/supervisor.ts), and
 * the simulator, history first when the transactions topic is empty, then live
 * (start/simulation-step.ts); prints the dashboard's address. Ctrl-C stops everything it
 * started, and only that, in reverse order.
 */
export async function startCommand(args: string[]): Promise<number> {
  const { flags: f, positionals } = parseArgs({ command: 'start', args, flags });
  if (positionals.length > 0) throw new UsageError(`start: unexpected argument ${positionals[0]}`);
  const connection = connectionConfig();
  const dashboard = dashboardAddress();
  const settings = pipelineSettings();
  const { TRANSACTIONS_PARTITIONS } = parseEnv(partitionShape);
  const layout = stackLayout();
  const abort = new AbortController();
  let interrupted = false;
  let supervisor: Supervisor | null = null;
  const onSignal = () => {
    if (!interrupted) say('\nstopping…');
    interrupted = true;
    supervisor?.interrupt();
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let stack: StackStep | null = null;
  let simulation: ReturnType<typeof simulationStep> | null = null;
  try {
    stack = await startStackStep(connection, layout, say);
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
    supervisor = superviseServices({ repoRoot, logDir, env, say });
    if (interrupted) supervisor.interrupt();
    const dash = supervisor.services.find((s) => s.name === 'dashboard');
    if (dash) await announceDashboard({ dashboard: dash, address: dashboard, signal: abort.signal, say });
    if (flagBool(f, 'no-simulate') || abort.signal.aborted) {
      if (!abort.signal.aborted) say('simulator off (--no-simulate); Ctrl-C to stop');
      await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
      return interrupted ? 0 : supervisor.exitCode();
    }

    simulation = simulationStep({
      connection,
      keyPrefix: settings.keyPrefix,
      transactionsPartitions: TRANSACTIONS_PARTITIONS,
      aggregatorRunning: supervisor.services.some((s) => s.name === 'aggregator'),
      options: {
        seed: flagInt(f, 'seed', 1),
        customers: flagInt(f, 'customers', 2_000),
        historyDays: flagInt(f, 'history-days', 120),
        rate: typeof f.rate === 'number' ? f.rate : 20,
        speedup: typeof f.speedup === 'number' ? f.speedup : undefined,
      },
      signal: abort.signal,
      say,
    });
    await simulation.run();
    return interrupted ? 0 : supervisor.exitCode();
  } finally {
    abort.abort();
    interrupted = true;
    supervisor?.interrupt();
    await simulation?.close();
    await supervisor?.stop();
    await stack?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
