import type { ScorePart } from './strategy-types';
import type { Relationship } from '@tierflow/contracts/events/event-types';

const DAY_MS = 86_400_000;

/** Thresholds for the relationship class (tenure, regularity, trend, satisfaction). */
export interface RelationshipConfig {
  /** tenure at or above this many days gives +1 */
  longTenureDays: number;
  /** tenure below this many days gives -1 */
  shortTenureDays: number;
  /** silence / usual gap at or below this gives +1 (buys as regularly as usual) */
  regularGapRatio: number;
  /** silence / usual gap at or above this gives -1 */
  irregularGapRatio: number;
  /** window growth at or above this gives +1 */
  trendUpRatio: number;
  /** window growth at or below this gives -1 */
  trendDownRatio: number;
  /** satisfaction (0..1) at or above this gives +1 */
  satisfiedScore: number;
  /** satisfaction below this gives -1 */
  dissatisfiedScore: number;
}

export const defaultRelationshipConfig: RelationshipConfig = {
  longTenureDays: 365,
  shortTenureDays: 90,
  regularGapRatio: 1.5,
  irregularGapRatio: 3,
  trendUpRatio: 0.1,
  trendDownRatio: -0.3,
  satisfiedScore: 0.7,
  dissatisfiedScore: 0.4,
};

export interface RelationshipInput {
  /** now - first activity */
  tenureMs: number;
  /** now - last activity */
  silentMs: number;
  /** the customer's usual time between transactions; null with fewer than two */
  usualGapMs: number | null;
  /** current / previous window revenue - 1; null without previous revenue */
  growth: number | null;
  /** 0..1 from the CRM profile, when known */
  satisfactionScore: number | null;
}

export interface RelationshipResult {
  level: Relationship;
  points: number;
  parts: ScorePart[];
}

/**
 * Relationship from tenure (+1 / 0 / -1), regularity (silence against the usual gap), trend of
 * window revenue and, when the profile has one, satisfaction. GOOD at 2 points or more,
 * AVERAGE at 0 or 1, POOR below 0.
 */
export function classifyRelationship(
  input: RelationshipInput,
  config: RelationshipConfig = defaultRelationshipConfig,
): RelationshipResult {
  const tenureDays = input.tenureMs / DAY_MS;
  const tenurePoints = tenureDays >= config.longTenureDays ? 1 : tenureDays < config.shortTenureDays ? -1 : 0;
  const gapRatio = input.usualGapMs && input.usualGapMs > 0 ? input.silentMs / input.usualGapMs : null;
  const regularityPoints =
    gapRatio === null ? 0 : gapRatio <= config.regularGapRatio ? 1 : gapRatio >= config.irregularGapRatio ? -1 : 0;
  const trendPoints =
    input.growth === null ? 0 : input.growth >= config.trendUpRatio ? 1 : input.growth <= config.trendDownRatio ? -1 : 0;
  const s = input.satisfactionScore;
  const satisfactionPoints = s === null ? 0 : s >= config.satisfiedScore ? 1 : s < config.dissatisfiedScore ? -1 : 0;
  const parts: ScorePart[] = [
    { factor: 'tenureDays', value: tenureDays, points: tenurePoints },
    { factor: 'regularity', value: gapRatio, points: regularityPoints },
    { factor: 'trend', value: input.growth, points: trendPoints },
    { factor: 'satisfaction', value: s, points: satisfactionPoints },
  ];
  const points = parts.reduce((sum, p) => sum + p.points, 0);
  const level: Relationship = points >= 2 ? 'GOOD' : points >= 0 ? 'AVERAGE' : 'POOR';
  return { level, points, parts };
}
