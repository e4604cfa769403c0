import type { ScorePart } from './strategy-types';
import type { Attractiveness } from '@tierflow/contracts/events/event-types';
import { asTier, type Tier } from '@tierflow/contracts/tier';

/** Thresholds for attractiveness (value, margin, growth). Ratios, not percents. */
export interface AttractivenessConfig {
  /** profit / revenue at or above this gives +1 */
  highMarginRatio: number;
  /** profit / revenue below this gives -1 */
  lowMarginRatio: number;
  /** current / previous window revenue - 1 at or above this gives +1 */
  growthUpRatio: number;
  /** current / previous window revenue - 1 at or below this gives -1 */
  growthDownRatio: number;
}

export const defaultAttractivenessConfig: AttractivenessConfig = {
  highMarginRatio: 0.3,
  lowMarginRatio: 0.1,
  growthUpRatio: 0.1,
  growthDownRatio: -0.1,
};

export interface AttractivenessInput {
  tier: Tier | string;
  revenueMinor: number;
  profitMinor: number;
  currentRevenueMinor: number;
  previousRevenueMinor: number;
}

export interface AttractivenessResult {
  level: Attractiveness;
  points: number;
  parts: ScorePart[];
}

const TIER_POINTS: Record<Tier, number> = { A: 2, B: 1, C: 0 };

/** Growth of the current window over the previous one; null when there is no previous revenue. */
export function windowGrowth(current: number, previous: number): number | null {
  return previous > 0 ? current / previous - 1 : null;
}

/**
 * Attractiveness from tier (A +2, B +1, C 0), lifetime profit margin (+1 / 0 / -1) and window
 * growth (+1 / 0 / -1). HIGH at 2 points or more, MEDIUM at 1, LOW below.
 */
export function classifyAttractiveness(
  input: AttractivenessInput,
  config: AttractivenessConfig = defaultAttractivenessConfig,
): AttractivenessResult {
  const tier = asTier(input.tier);
  const margin = input.revenueMinor > 0 ? input.profitMinor / input.revenueMinor : null;
  const growth = windowGrowth(input.currentRevenueMinor, input.previousRevenueMinor);
  const marginPoints =
    margin === null ? 0 : margin >= config.highMarginRatio ? 1 : margin < config.lowMarginRatio ? -1 : 0;
  const growthPoints =
    growth === null ? 0 : growth >= config.growthUpRatio ? 1 : growth <= config.growthDownRatio ? -1 : 0;
  const parts: ScorePart[] = [
    { factor: 'tier', value: TIER_POINTS[tier], points: TIER_POINTS[tier] },
    { factor: 'profitMargin', value: margin, points: marginPoints },
    { factor: 'growth', value: growth, points: growthPoints },
  ];
  const points = parts.reduce((sum, p) => sum + p.points, 0);
  const level: Attractiveness = points >= 2 ? 'HIGH' : points >= 1 ? 'MEDIUM' : 'LOW';
  return { level, points, parts };
}
