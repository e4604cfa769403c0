import { fetchShape } from '@tierflow/runtime/kafka/fetch-settings';
import { z } from 'zod';
import { envBool, envInt, parseEnv, ConfigError } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { currencySettings, keyspaceSettings, shardSettings, windowSettings } from '@tierflow/runtime/config/pipeline-settings';

const shape = {
  ...keyspaceSettings,
  ...fetchShape,
  ...windowSettings,
  ...currencySettings,
  ...shardSettings,
  KAFKA_GROUP_ID: z.string().min(1).default('tierflow-aggregator'),
  TIME_MODE: z.enum(['live', 'replay']).default('live'),
  ALLOWED_LATENESS_HOURS: envInt(48, 0, 24 * 3650),
  /** a resend is recognised for at least this many days of partition time (a monthly bill re-run with margin) */
  DEDUPE_HORIZON_DAYS: envInt(45, 1, 3650),
  /** the de-dup entries' generation length: memory holds the horizon plus up to one generation */
  DEDUPE_GENERATION_DAYS: envInt(15, 1, 3650),
  MAX_ABS_AMOUNT_MINOR: envInt(1_000_000_000_000, 1, Number.MAX_SAFE_INTEGER),
  FUTURE_TOLERANCE_MINUTES: envInt(24 * 60, 0, 10 * 365 * 24 * 60),
  /** how often the consumer of the transactions topic looks for partitions added to it */
  SOURCE_METADATA_MAX_AGE_SECONDS: envInt(30, 1, 3_600),
  PARTITIONS_CONCURRENTLY: envInt(6, 1, 1024),
  LIVE_TICK_SECONDS: envInt(60, 1, 86_400),
  /** customers kept in memory per source partition (0: read every step's customers from Redis) */
  CACHE_CUSTOMERS_PER_PARTITION: envInt(50_000, 0, 10_000_000),
  /**
   * most events per apply step (one commit). Live, a step is what one fetch brought (tens of
   * records); on a backlog a step as long as the fetched batch (about 60,000 transactions at
   * FETCH_MAX_BYTES_PER_PARTITION) reads and writes each changed customer once for all its
   * transactions and window moves: 60,000 against 8,000 gave 1.25x the rate in bench:aggregate,
   * at the price of one longer commit script while Redis's other clients wait. Aggregates are
   * sent per batch (the record cache), not per step (see docs/benchmarks.md)
   */
  APPLY_STEP_EVENTS: envInt(60_000, 1, 100_000),
  /**
   * most bytes one fetch brings of a by-customer partition (a batch). On a backlog a longer batch
   * sends one aggregate per changed customer for more transactions and window moves (the record
   * cache): 8 MiB, about 60,000 transactions, against 2 MiB gave 0.4 of the aggregates and 1.25x
   * the rate in bench:aggregate. Live, a fetch brings what is there.
   */
  FETCH_MAX_BYTES_PER_PARTITION: envInt(8 * 1024 * 1024, 64 * 1024, 64 * 1024 * 1024),
  /**
   * apply stages, each in a thread of its own and a member of the consumer group holding some
   * shards, as Kafka Streams' num.stream.threads (0: one stage on the main thread). A stage's
   * thread waits on Redis's commit script and Kafka's fetch a fifth of its time; two use that:
   * on 2 cores with Kafka and Redis beside them, bench:aggregate 33,300 -> 47,700-49,500 tx/s
   * against one stage on the main thread, the whole pipeline 14,390 -> 15,865 tx/s, for about
   * 300-600 MB more memory (docs/benchmarks.md, issue 16 session 16). With the repartition
   * thread it replaces gone (REPARTITION_MODE=direct) the second core is free for them
   */
  APPLY_THREADS: envInt(2, 0, 64),
  /**
   * how transactions reach their shard (docs/contracts.md, "Partitioning"). direct: the apply
   * stage reads the transactions topic too, partition P with shard P, applies the records of
   * shard P there and forwards only the others through the by-customer topic (a producer with
   * Kafka's default partitioner and TRANSACTIONS_PARTITIONS partitions forwards none). hop: every
   * record goes through the by-customer topic (the repartition stage), one more Kafka write and
   * read per transaction, and the by-customer topic records each shard's order of arrival
   */
  REPARTITION_MODE: z.enum(['direct', 'hop']).default('direct'),
  /** the repartition stage in its own worker thread (REPARTITION_MODE=hop; false: on the main thread, taking turns with the apply stage) */
  REPARTITION_THREAD: envBool(true),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: envInt(9101, 0, 65535),
};

export type AggregatorConfig = ReturnType<typeof aggregatorConfig>;

export function aggregatorConfig(env: NodeJS.ProcessEnv = process.env) {
  const c = parseEnv(shape, env);
  if (c.ALLOWED_LATENESS_HOURS >= c.CURRENT_WINDOW_DAYS * 24) {
    throw new ConfigError([{ variable: 'ALLOWED_LATENESS_HOURS', message: `must be shorter than CURRENT_WINDOW_DAYS (${c.CURRENT_WINDOW_DAYS} days)` }]);
  }
  if (c.DEDUPE_HORIZON_DAYS * 24 < c.ALLOWED_LATENESS_HOURS) {
    throw new ConfigError([{ variable: 'DEDUPE_HORIZON_DAYS', message: 'must cover at least ALLOWED_LATENESS_HOURS' }]);
  }
  if (c.DEDUPE_GENERATION_DAYS > c.DEDUPE_HORIZON_DAYS) {
    throw new ConfigError([{ variable: 'DEDUPE_GENERATION_DAYS', message: `must not be longer than DEDUPE_HORIZON_DAYS (${c.DEDUPE_HORIZON_DAYS})` }]);
  }
  return {
    connection: connectionConfig(env),
    topics: topicsFromEnv(env),
    prefix: c.REDIS_KEY_PREFIX,
    groupId: c.KAFKA_GROUP_ID,
    liveClock: c.TIME_MODE === 'live',
    windows: {
      currentDays: c.CURRENT_WINDOW_DAYS,
      rankingDays: c.RANKING_WINDOW_DAYS,
      latenessMs: Math.round(c.ALLOWED_LATENESS_HOURS * 3_600_000),
      genDays: c.DEDUPE_GENERATION_DAYS,
      /** DEDUPE_HORIZON_DAYS: a resend is recognised at least this long (partition time) after its original */
      horizonDays: c.DEDUPE_HORIZON_DAYS,
    },
    rules: {
      reportingCurrency: c.REPORTING_CURRENCY,
      maxAbsAmountMinor: c.MAX_ABS_AMOUNT_MINOR,
      futureToleranceMs: Math.round(c.FUTURE_TOLERANCE_MINUTES * 60_000),
    },
    transactionPartitions: c.TRANSACTIONS_PARTITIONS,
    partitionsConcurrently: c.PARTITIONS_CONCURRENTLY,
    sourceMetadataMaxAgeMs: c.SOURCE_METADATA_MAX_AGE_SECONDS * 1000,
    liveTickMs: Math.round(c.LIVE_TICK_SECONDS * 1000),
    cacheCustomersPerPartition: c.CACHE_CUSTOMERS_PER_PARTITION,
    applyStepEvents: c.APPLY_STEP_EVENTS,
    fetchMaxBytesPerPartition: c.FETCH_MAX_BYTES_PER_PARTITION,
    applyThreads: c.APPLY_THREADS,
    directApply: c.REPARTITION_MODE === 'direct',
    repartitionThread: c.REPARTITION_THREAD,
    http: { host: c.HTTP_HOST, port: c.HTTP_PORT },
  };
}
