import { fetchShape } from '@tierflow/runtime/kafka/fetch-settings';
import { z } from 'zod';
import { envInt, envNumber, parseEnv } from '@tierflow/runtime/config/config-env';
import type { ChurnThresholds } from '@tierflow/domain/churn/churn-types';
import { churnThresholdSettings, churnThresholdsOf, strategyMatrixSetting } from '@tierflow/runtime/config/churn-settings';
import { keyspaceSettings } from '@tierflow/runtime/config/pipeline-settings';
import type { TimeMode } from '@tierflow/domain/churn/batch-planner';
import { defaultAttractivenessConfig } from '@tierflow/domain/strategy/attractiveness';
import type { StandingConfig } from '@tierflow/domain/strategy/customer-standing';
import { defaultRelationshipConfig } from '@tierflow/domain/strategy/relationship';
import { parseStrategyMatrix } from '@tierflow/domain/strategy/strategy-matrix';

/** churn-watch's environment (connection and topic variables are parsed by shared/runtime/src). */
export const churnShape = {
  ...keyspaceSettings,
  ...fetchShape,
  KAFKA_GROUP_ID: z.string().default('tierflow-churn-watch'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: envInt(9404, 0, 65535),
  TIME_MODE: z.enum(['replay', 'live']).default('replay'),
  LIVE_TICK_MS: envInt(1_000, 50),
  ...churnThresholdSettings,
  CHURN_RECENT_MAX: envInt(1_000, 1),
  CHURN_DLQ_TOPIC: z.string().default('customer.churn-watch.dlq'),
  CHURN_ALIGN_WAIT_MS: envInt(30_000, 0),
  ...strategyMatrixSetting,
  ATTRACTIVENESS_HIGH_MARGIN: envNumber(defaultAttractivenessConfig.highMarginRatio),
  ATTRACTIVENESS_LOW_MARGIN: envNumber(defaultAttractivenessConfig.lowMarginRatio),
};

export interface ChurnConfig {
  prefix: string;
  groupId: string;
  httpHost: string;
  httpPort: number;
  timeMode: TimeMode;
  liveTickMs: number;
  recentMax: number;
  dlqTopic: string;
  /** how long an aggregates batch waits for tier changes already in their topic (0: no wait) */
  alignWaitMs: number;
  thresholds: ChurnThresholds;
  standing: StandingConfig;
}

export function churnConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ChurnConfig {
  const c = parseEnv(
    { ...churnShape, STRATEGY_MATRIX: strategyMatrixSetting.STRATEGY_MATRIX.refine(ok(parseStrategyMatrix), { message: 'bad strategy matrix JSON' }) },
    env,
  );
  return {
    prefix: c.REDIS_KEY_PREFIX,
    groupId: c.KAFKA_GROUP_ID,
    httpHost: c.HTTP_HOST,
    httpPort: c.HTTP_PORT,
    timeMode: c.TIME_MODE,
    liveTickMs: c.LIVE_TICK_MS,
    recentMax: c.CHURN_RECENT_MAX,
    dlqTopic: c.CHURN_DLQ_TOPIC,
    alignWaitMs: c.CHURN_ALIGN_WAIT_MS,
    thresholds: churnThresholdsOf(c),
    standing: {
      attractiveness: {
        ...defaultAttractivenessConfig,
        highMarginRatio: c.ATTRACTIVENESS_HIGH_MARGIN,
        lowMarginRatio: c.ATTRACTIVENESS_LOW_MARGIN,
      },
      relationship: defaultRelationshipConfig,
      matrix: parseStrategyMatrix(c.STRATEGY_MATRIX),
    },
  };
}

function ok(parse: (v: string | undefined) => unknown) {
  return (v: string | undefined) => {
    try {
      parse(v);
      return true;
    } catch {
      return false;
    }
  };
}
