import type { Tier } from '../tier';

/**
 * Thresholds of churn-watch's signals (each configurable by env: shared/runtime/src/config/
 * churn-settings.ts). A contract: churn-watch decides with them and the readers (the card's and
 * the portfolio's sentences) explain its decisions with the same values. Pure.
 */
export interface ChurnThresholds {
  keyTiers: Tier[];
  /** minimum tenure (now - first activity) before a customer can be flagged */
  minTenureMs: number;
  /** no repeat of a signal for a customer within this long of its last RAISED, unless severity rises */
  cooldownMs: number;
  /** current vs previous window revenue drop (0.3 = 30%) */
  declineRatio: number;
  /** previous window revenue must be at least this (minor units) */
  declineMinPreviousMinor: number;
  /** silence threshold = max(floor, factor x usual gap), capped */
  inactivityGapFactor: number;
  inactivityFloorMs: number;
  inactivityCapMs: number;
  /** current vs previous window transaction count drop */
  frequencyDropRatio: number;
  frequencyMinPreviousCount: number;
}

export const DAY_MS = 86_400_000;

export const defaultThresholds: ChurnThresholds = {
  keyTiers: ['A', 'B'],
  minTenureMs: 30 * DAY_MS,
  cooldownMs: 14 * DAY_MS,
  declineRatio: 0.3,
  declineMinPreviousMinor: 100_000,
  inactivityGapFactor: 2,
  inactivityFloorMs: 7 * DAY_MS,
  inactivityCapMs: 180 * DAY_MS,
  frequencyDropRatio: 0.5,
  frequencyMinPreviousCount: 4,
};
