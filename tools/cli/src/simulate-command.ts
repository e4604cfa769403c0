import { Presets, SingleBar } from 'cli-progress';
import { shardSettings } from '@tierflow/runtime/config/pipeline-settings';
import { parseEnv } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { BillingProducer } from './billing-producer';
import { flagInt, parseArgs } from './cli-args';
import { runSimulation } from './simulate/simulation-runner';
import { UsageError } from './usage-error';

export const simulateUsage = `simulate [--customers N] [--history-days D] [--rate EVENTS_PER_S] [--speedup X] [--live-seconds S] [--seed N]`;

const flags = {
  customers: { kind: 'int', min: 1, max: 1_000_000 },
  'history-days': { kind: 'int', min: 0, max: 3_650 },
  rate: { kind: 'number', min: 0, max: 100_000 },
  speedup: { kind: 'number', min: 1, max: 1_000_000 },
  'live-seconds': { kind: 'int', min: 0 },
  seed: { kind: 'int', min: 0, max: 2 ** 32 - 1 },
} as const;

export const partitionShape = shardSettings;

/**
 * `tierflow simulate`: a telecom-like billing feed. Profiles go to customer.profiles, then the
 * history (days before today, as fast as Kafka takes it), then live events at --rate until
 * Ctrl-C or --live-seconds.
 */
export async function simulateCommand(args: string[]): Promise<number> {
  const { flags: f, positionals } = parseArgs({ command: 'simulate', args, flags });
  if (positionals.length > 0) throw new UsageError(`simulate: unexpected argument ${positionals[0]}`);
  const config = connectionConfig();
  const { TRANSACTIONS_PARTITIONS } = parseEnv(partitionShape);
  const logger = createLogger({ name: 'simulate', level: config.logLevel === 'info' ? 'error' : config.logLevel });
  const kafka = createKafka({ brokers: config.kafkaBrokers, security: config.kafkaSecurity, clientId: 'tierflow-simulate', logger });
  const producer = new BillingProducer({ kafka, registryUrl: config.registryUrl, registry: config.registry, topics: topicsFromEnv(), transactionsPartitions: TRANSACTIONS_PARTITIONS });
  await producer.start();
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bar = new SingleBar({ format: 'history |{bar}| {value}/{total} days | {events} events', hideCursor: true }, Presets.shades_classic);
  let historyEvents = 0;
  try {
    const result = await runSimulation({
      sink: producer,
      seed: flagInt(f, 'seed', 1),
      customers: flagInt(f, 'customers', 2_000),
      historyDays: flagInt(f, 'history-days', 120),
      rate: typeof f.rate === 'number' ? f.rate : 20,
      liveSeconds: typeof f['live-seconds'] === 'number' ? f['live-seconds'] : undefined,
      speedup: typeof f.speedup === 'number' ? f.speedup : undefined,
      signal: abort.signal,
      onHistoryStart: (days) => bar.start(days, 0, { events: 0 }),
      onHistoryDay: (day, events) => {
        historyEvents += events;
        bar.update(day, { events: historyEvents });
      },
      onLiveStart: () => {
        bar.stop();
        process.stdout.write(`live: ${typeof f.rate === 'number' ? f.rate : 20} events/s (Ctrl-C to stop)\n`);
      },
    });
    bar.stop();
    process.stdout.write(
      `simulated ${result.profiles} profiles, ${result.historyEvents} history events, ${result.liveEvents} live events\n`,
    );
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await producer.stop();
  }
}
