import { Presets, SingleBar } from 'cli-progress';
import type { ConnectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis, type Redis } from '@tierflow/runtime/redis/redis-client';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { BillingProducer } from '../billing-producer';
import { runSimulation } from '../simulate/simulation-runner';

export interface SimulationOptions {
  seed: number;
  customers: number;
  /** days of history to send when the transactions topic is empty */
  historyDays: number;
  /** live events per second */
  rate: number;
  speedup: number | undefined;
}

/**
 * `tierflow start`'s third part: the simulator, history first when the transactions topic is
 * empty (after the CRM profiles are stored, when the aggregator runs), then live until `signal`.
 * Call close() when done, whether it returned or threw.
 */
export function simulationStep(params: {
  connection: ConnectionConfig;
  keyPrefix: string;
  transactionsPartitions: number;
  aggregatorRunning: boolean;
  options: SimulationOptions;
  signal: AbortSignal;
  say: (msg: string) => void;
}): { run: () => Promise<void>; close: () => Promise<void> } {
  const { connection, signal, say, options } = params;
  let producer: BillingProducer | null = null;
  let closeRedis = () => {};
  const run = async () => {
    const logger = createLogger({ name: 'start', level: 'error' });
    const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-start-simulator', logger });
    const topics = topicsFromEnv();
    producer = new BillingProducer({ kafka, registryUrl: connection.registryUrl, registry: connection.registry, topics, transactionsPartitions: params.transactionsPartitions });
    await producer.start();
    const hasHistory = await topicHasRecords(kafka, topics.transactions);
    const historyDays = hasHistory ? 0 : options.historyDays;
    if (hasHistory) say(`${topics.transactions} already holds records: no history this time, live only`);
    const rate = options.rate;
    const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'tierflow-start' });
    closeRedis = () => redis.disconnect();
    const bar = new SingleBar({ format: 'simulator history |{bar}| {value}/{total} days | {events} events', hideCursor: true }, Presets.shades_classic);
    let historyEvents = 0;
    let liveEvents = 0;
    let lastReport = Date.now();
    await runSimulation({
      sink: producer,
      seed: options.seed,
      customers: options.customers,
      historyDays,
      rate,
      speedup: options.speedup,
      signal,
      // CRM data first: the ranker takes a customer's region from its stored profile
      afterProfiles: async (profiles) => {
        if (!params.aggregatorRunning || historyDays === 0) return;
        const stored = await waitForProfiles(redis, params.keyPrefix, profiles.map((p) => p.customerId), 60_000, signal);
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
  };
  const close = async () => {
    await (producer as BillingProducer | null)?.stop().catch(() => undefined);
    closeRedis();
  };
  return { run, close };
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
