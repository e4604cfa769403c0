import { ConfigurationError } from '@tierflow/contracts/errors/tierflow-error';
import type { TierMode } from '@tierflow/contracts/events/event-types';
import type { TierCode } from '@tierflow/contracts/tier';

/**
 * The tier rules, as pure functions of a customer's 0-based rank and the boundary counts.
 *
 * Share mode: a customer is inside threshold x when the cumulative basis of the customers
 * ranked before it is below x * total (total = sum of positive basis); computed as
 * `cumBefore < x * total` in float64, the same expression the oracle uses.
 * Count mode: the first round(x * N) customers by rank are inside threshold x.
 * In both modes a customer with non-positive basis is never inside (so it is C).
 * A = inside A, B = inside B but not A, C = otherwise.
 */

export const TIER_C: TierCode = 2;

export interface TierRules {
  mode: TierMode;
  thresholdA: number;
  thresholdB: number;
  /** Hysteresis band around each threshold, as a share (or rank fraction in count mode); 0 = off. */
  margin: number;
  /** Minimum event-time dwell in a published tier before it may change again; 0 = off. */
  minDwellMs: number;
}

export const defaultThresholds = (mode: TierMode) =>
  mode === 'share' ? { thresholdA: 0.8, thresholdB: 0.95 } : { thresholdA: 0.2, thresholdB: 0.5 };

/**
 * The six thresholds whose boundary counts the engine keeps: exact A and B, the strict pair
 * (x - margin, used to upgrade the published tier) and the lenient pair (x + margin, used to
 * downgrade it). Without a margin the last four equal the first two.
 */
export function thresholdSet(rules: TierRules): Float64Array {
  const { thresholdA: a, thresholdB: b, margin: m } = rules;
  return Float64Array.of(a, b, a - m, b - m, a + m, b + m);
}

export const tierFromRank = (rank: number, kA: number, kB: number): TierCode => (rank < kA ? 0 : rank < kB ? 1 : 2);

/**
 * The published tier after an evaluation. `strict` is the tier under the thresholds minus the
 * margin, `lenient` under the thresholds plus the margin (strict >= raw >= lenient as codes).
 * The published tier moves up only to what the strict thresholds grant, and down only to what
 * the lenient ones still allow; inside the band it stays.
 */
export function nextPublished(published: TierCode, strict: TierCode, lenient: TierCode): TierCode {
  if (published > strict) return strict;
  if (published < lenient) return lenient;
  return published;
}

/** Whether a change of the published tier is allowed by the minimum dwell. */
export const dwellAllows = (rules: TierRules, lastChangeAt: number, now: number) =>
  rules.minDwellMs <= 0 || !(now - lastChangeAt < rules.minDwellMs);

export function validateRules(rules: TierRules): void {
  const { thresholdA: a, thresholdB: b, margin } = rules;
  if (!(a > 0 && a <= b && b <= 1)) {
    throw new ConfigurationError('CONFIG_INVALID', `thresholds must satisfy 0 < A <= B <= 1 (A=${a}, B=${b})`);
  }
  if (!(margin >= 0 && margin < 1)) {
    throw new ConfigurationError('CONFIG_INVALID', `hysteresis margin must be in [0, 1), got ${margin}`);
  }
}
