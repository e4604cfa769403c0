import { z } from 'zod';
import { envInt, envList, envNumber, parseEnv } from '@tierflow/runtime/config/config-env';
import { DAY_MS, defaultThresholds, type ChurnThresholds } from '@tierflow/domain/churn/churn-types';
import type { TimeMode } from '@tierflow/domain/churn/batch-planner';
import { defaultAttractivenessConfig } from '@tierflow/domain/strategy/attractiveness';
import type { StandingConfig } from '@tierflow/domain/strategy/customer-standing';
import { defaultRelationshipConfig } from '@tierflow/domain/strategy/relationship';
import { parseStrategyMatrix } from '@tierflow/domain/strategy/strategy-matrix';
import { asTier } from '@tierflow/contracts/tier';

const d = defaultThresholds;

/** churn-watch's environment (connection and topic variables are parsed by shared/runtime/src). */
export const churnShape = {
  REDIS_KEY_PREFIX: z.string().default('tf:'),
  KAFKA_GROUP_ID: z.string().default('tierflow-churn-watch'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: envInt(9404, 0, 65535),
  TIME_MODE: z.enum(['replay', 'live']).default('replay'),
  LIVE_TICK_MS: envInt(1_000, 50),
  KEY_TIERS: envList('A,B').pipe(z.array(z.enum(['A', 'B', 'C'], { message: 'tiers are A, B or C' }))),
  CHURN_MIN_TENURE_DAYS: envNumber(d.minTenureMs / DAY_MS, 0),
  CHURN_COOLDOWN_DAYS: envNumber(d.cooldownMs / DAY_MS, 0),
  CHURN_DECLINE_RATIO: envNumber(d.declineRatio, 0.01, 1),
  CHURN_DECLINE_MIN_PREVIOUS_MINOR: envInt(d.declineMinPreviousMinor, 0),
  CHURN_INACTIVITY_GAP_FACTOR: envNumber(d.inactivityGapFactor, 0.1),
  CHURN_INACTIVITY_FLOOR_DAYS: envNumber(d.inactivityFloorMs / DAY_MS, 0),
  CHURN_INACTIVITY_CAP_DAYS: envNumber(d.inactivityCapMs / DAY_MS, 0.00001),
  CHURN_FREQUENCY_DROP_RATIO: envNumber(d.frequencyDropRatio, 0.01, 1),
  CHURN_FREQUENCY_MIN_PREVIOUS_COUNT: envInt(d.frequencyMinPreviousCount, 1),
  CHURN_RECENT_MAX: envInt(1_000, 1),
  CHURN_DLQ_TOPIC: z.string().default('customer.churn-watch.dlq'),
  CHURN_ALIGN_WAIT_MS: envInt(30_000, 0),
  STRATEGY_MATRIX: z.string().optional(),
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
    { ...churnShape, STRATEGY_MATRIX: churnShape.STRATEGY_MATRIX.refine(ok(parseStrategyMatrix), { message: 'bad strategy matrix JSON' }) },
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
    // durations in whole milliseconds (fractional days are allowed): derived times stay integers
    thresholds: {
      keyTiers: c.KEY_TIERS.map(asTier),
      minTenureMs: Math.round(c.CHURN_MIN_TENURE_DAYS * DAY_MS),
      cooldownMs: Math.round(c.CHURN_COOLDOWN_DAYS * DAY_MS),
      declineRatio: c.CHURN_DECLINE_RATIO,
      declineMinPreviousMinor: c.CHURN_DECLINE_MIN_PREVIOUS_MINOR,
      inactivityGapFactor: c.CHURN_INACTIVITY_GAP_FACTOR,
      inactivityFloorMs: Math.round(c.CHURN_INACTIVITY_FLOOR_DAYS * DAY_MS),
      inactivityCapMs: Math.round(c.CHURN_INACTIVITY_CAP_DAYS * DAY_MS),
      frequencyDropRatio: c.CHURN_FREQUENCY_DROP_RATIO,
      frequencyMinPreviousCount: c.CHURN_FREQUENCY_MIN_PREVIOUS_COUNT,
    },
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
