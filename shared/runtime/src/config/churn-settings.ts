import { z } from 'zod';
import { DAY_MS, defaultThresholds as d, type ChurnThresholds } from '@tierflow/contracts/settings/churn-thresholds';
import { asTier } from '@tierflow/contracts/tier';
import { envInt, envList, envNumber, parseEnv } from './config-env';

/**
 * churn-watch's thresholds and strategy matrix: declared once here, because churn-watch decides
 * with them and the readers (the dashboard's and the CLI's card and portfolio sentences) explain
 * its decisions with the same values.
 */
export const churnThresholdSettings = {
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
};

/** The strategy matrix (JSON; unset: the default matrix). Parsed by domain/strategy/strategy-matrix.ts. */
export const strategyMatrixSetting = {
  STRATEGY_MATRIX: z.string().optional(),
};

type ThresholdValues = z.infer<z.ZodObject<typeof churnThresholdSettings>>;

/** The parsed variables -> the thresholds (durations in whole milliseconds: derived times stay integers). */
export function churnThresholdsOf(c: ThresholdValues): ChurnThresholds {
  return {
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
  };
}

/** churn-watch's thresholds and the raw strategy matrix of this environment (for the readers). */
export function churnSettings(env: NodeJS.ProcessEnv = process.env): { thresholds: ChurnThresholds; strategyMatrix: string | undefined } {
  const c = parseEnv({ ...churnThresholdSettings, ...strategyMatrixSetting }, env);
  return { thresholds: churnThresholdsOf(c), strategyMatrix: c.STRATEGY_MATRIX };
}
