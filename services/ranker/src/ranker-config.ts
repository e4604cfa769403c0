import { fetchShape } from '@tierflow/runtime/kafka/fetch-settings';
import { z } from 'zod';
import { connectionConfig, type ConnectionConfig } from '@tierflow/runtime/config/connection-config';
import { ConfigError, envBool, envInt, envNumber, parseEnv } from '@tierflow/runtime/config/config-env';
import { keyspaceSettings } from '@tierflow/runtime/config/pipeline-settings';
import { type Topics } from '@tierflow/contracts/topics';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { RANKING_BASES, parseCompositeWeights, type CompositeWeights, type RankingBasis } from '@tierflow/domain/ranking/ranking-basis';
import { defaultThresholds, validateRules, type TierRules } from '@tierflow/domain/ranking/tier-rules';
import { configVersion } from './config-version';

/** The ranker's environment. Thresholds default by mode (share 0.80/0.95, count 0.20/0.50). */
export const rankerShape = {
  RANKING_BASIS: z.enum(RANKING_BASES).default('window-revenue'),
  COMPOSITE_WEIGHTS: z
    .string()
    .default('windowRevenue:1')
    .transform((v, ctx) => {
      try {
        return parseCompositeWeights(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  TIER_MODE: z.enum(['share', 'count']).default('share'),
  TIER_A_THRESHOLD: z.coerce.number().gt(0).max(1).optional(),
  TIER_B_THRESHOLD: z.coerce.number().gt(0).max(1).optional(),
  // defaults measured on the simulator and CDNOW (docs/decisions.md, "Noise control"): the margin
  // cuts tier changes per customer-month 5x (simulator) and 2.7x (CDNOW); the dwell caps flapping
  HYSTERESIS_MARGIN: envNumber(0.02, 0, 0.5),
  HYSTERESIS_MIN_DWELL_MS: envInt(86_400_000),
  REGION_SCOPES: envBool(true),
  /**
   * exact tiers only: apply a chunk's net updates (each customer's latest record once). Off by
   * default: the final tiers are the same, but the intermediate tier changes then depend on how
   * Kafka batched the fetches (net-updates.ts), and the default output is every record's changes
   */
  RANKER_NET_UPDATES: envBool(false),
  ...keyspaceSettings,
  ...fetchShape,
  KAFKA_GROUP_ID: z.string().default('tierflow-ranker'),
  KAFKA_SESSION_TIMEOUT_MS: envInt(30_000, 6_000),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: envInt(9403, 0, 65535),
  HISTORY_LENGTH: envInt(50, 1, 10_000),
  /** aggregates per commit: the chunk is sent after its commit, so its length adds to latency */
  COMMIT_BATCH_SIZE: envInt(1_000, 1, 100_000),
  FETCH_MAX_BYTES: envInt(1_048_576, 1_024),
  OUTBOX_MAX_PENDING: envInt(50_000, 1),
  OUTBOX_SEND_BATCH: envInt(3_000, 1, 100_000),
  RECENT_LENGTH: envInt(500, 1, 100_000),
  /** aggregates that cannot be decoded and tier changes that cannot be encoded */
  RANKER_DLQ_TOPIC: z.string().default('customer.ranker.dlq'),
};

export interface RankerConfig {
  basis: RankingBasis;
  weights: CompositeWeights;
  rules: TierRules;
  regions: boolean;
  /** RANKER_NET_UPDATES: a chunk's net updates, with exact tiers only */
  netUpdates: boolean;
  /** hash of everything that decides tiers; stamped on every event and checked at start */
  configVersion: string;
  prefix: string;
  groupId: string;
  dlqTopic: string;
  sessionTimeoutMs: number;
  httpHost: string;
  httpPort: number;
  historyLength: number;
  /** aggregates applied per Redis commit (one script call) */
  commitBatchSize: number;
  /** tier changes committed but not yet acknowledged by Kafka before the next chunk waits for the send */
  maxPendingEvents: number;
  /** tier changes per Kafka send (the request must stay under the broker's message size limit) */
  outboxSendBatch: number;
  /** maxBytesPerPartition of the consumer: bounds a Kafka batch, so heartbeats keep flowing */
  fetchMaxBytes: number;
  recentLength: number;
  topics: Topics;
  connection: ConnectionConfig;
}

export function rankerConfig(env: NodeJS.ProcessEnv = process.env): RankerConfig {
  const c = parseEnv(rankerShape, env);
  const defaults = defaultThresholds(c.TIER_MODE);
  const rules: TierRules = {
    mode: c.TIER_MODE,
    thresholdA: c.TIER_A_THRESHOLD ?? defaults.thresholdA,
    thresholdB: c.TIER_B_THRESHOLD ?? defaults.thresholdB,
    margin: c.HYSTERESIS_MARGIN,
    minDwellMs: c.HYSTERESIS_MIN_DWELL_MS,
  };
  try {
    validateRules(rules);
  } catch (err) {
    throw new ConfigError([{ variable: 'TIER_A_THRESHOLD/TIER_B_THRESHOLD', message: (err as Error).message }]);
  }
  const weights = c.RANKING_BASIS === 'composite' ? c.COMPOSITE_WEIGHTS : {};
  return {
    basis: c.RANKING_BASIS,
    weights,
    rules,
    regions: c.REGION_SCOPES,
    netUpdates: c.RANKER_NET_UPDATES,
    configVersion: configVersion({ basis: c.RANKING_BASIS, weights, rules, regions: c.REGION_SCOPES }),
    prefix: c.REDIS_KEY_PREFIX,
    groupId: c.KAFKA_GROUP_ID,
    dlqTopic: c.RANKER_DLQ_TOPIC,
    sessionTimeoutMs: c.KAFKA_SESSION_TIMEOUT_MS,
    httpHost: c.HTTP_HOST,
    httpPort: c.HTTP_PORT,
    historyLength: c.HISTORY_LENGTH,
    commitBatchSize: c.COMMIT_BATCH_SIZE,
    maxPendingEvents: c.OUTBOX_MAX_PENDING,
    outboxSendBatch: c.OUTBOX_SEND_BATCH,
    fetchMaxBytes: c.FETCH_MAX_BYTES,
    recentLength: c.RECENT_LENGTH,
    topics: topicsFromEnv(env),
    connection: connectionConfig(env),
  };
}
