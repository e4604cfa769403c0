import type { CustomerAggregate } from '@tierflow/contracts/events/event-types';
/**
 * The ranking basis of a customer, derived from its CustomerAggregate. Always an integer in
 * minor units, so sums over a scope stay exact in float64 below 2^53. Pure.
 */

export const RANKING_BASES = ['window-revenue', 'window-profit', 'lifetime-revenue', 'composite'] as const;
export type RankingBasis = (typeof RANKING_BASES)[number];

/** Indicators a composite score may weigh. */
export const INDICATORS = [
  'windowRevenue',
  'windowProfit',
  'lifetimeRevenue',
  'lifetimeProfit',
  'growth',
  'tenureDays',
  'frequency',
] as const;
export type Indicator = (typeof INDICATORS)[number];
export type CompositeWeights = Partial<Record<Indicator, number>>;

/** The CustomerAggregate fields the basis reads (numbers as avsc decodes longs). */
export type AggregateFields = Pick<
  CustomerAggregate,
  | 'eventTime'
  | 'revenueMinor'
  | 'profitMinor'
  | 'firstActivityAt'
  | 'currentRevenueMinor'
  | 'previousRevenueMinor'
  | 'rankingRevenueMinor'
  | 'rankingProfitMinor'
  | 'rankingCount'
>;

const DAY_MS = 86_400_000;

export function indicatorsOf(a: AggregateFields): Record<Indicator, number> {
  return {
    windowRevenue: a.rankingRevenueMinor,
    windowProfit: a.rankingProfitMinor,
    lifetimeRevenue: a.revenueMinor,
    lifetimeProfit: a.profitMinor,
    growth: a.currentRevenueMinor - a.previousRevenueMinor,
    tenureDays: Math.max(0, Math.floor((a.eventTime - a.firstActivityAt) / DAY_MS)),
    frequency: a.rankingCount,
  };
}

/** The basis: one field, or round(sum of weight * indicator) for the composite score. */
export function basisOf(a: AggregateFields, basis: RankingBasis, weights: CompositeWeights = {}): number {
  switch (basis) {
    case 'window-revenue':
      return a.rankingRevenueMinor;
    case 'window-profit':
      return a.rankingProfitMinor;
    case 'lifetime-revenue':
      return a.revenueMinor;
    case 'composite': {
      const x = indicatorsOf(a);
      let score = 0;
      for (const k of INDICATORS) score += (weights[k] ?? 0) * x[k];
      return Math.round(score);
    }
  }
}

/**
 * Parses "windowRevenue:1,growth:0.5,tenureDays:100" into weights. Throws naming the bad part.
 */
export function parseCompositeWeights(text: string): CompositeWeights {
  const out: CompositeWeights = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value, extra] = part.split(':').map((s) => s.trim());
    const w = Number(value);
    if (extra !== undefined || !INDICATORS.includes(name as Indicator) || value === undefined || !Number.isFinite(w)) {
      throw new Error(`bad weight "${part}": expected <indicator>:<number> with indicator one of ${INDICATORS.join(', ')}`);
    }
    out[name as Indicator] = w;
  }
  if (Object.keys(out).length === 0) throw new Error('expected at least one <indicator>:<number>');
  return out;
}
