import type { ChurnStateView } from '@tierflow/contracts/keyspace/churn-watch/churn-state-reader';
import { customerStanding } from '@tierflow/domain/strategy/customer-standing';
import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';
import type { Tier } from '@tierflow/contracts/tier';

export interface StandingView {
  attractiveness: Attractiveness;
  relationship: Relationship;
  strategy: string;
  source: 'churn-watch' | 'computed';
}

type Fields = Record<string, string | number> | null | undefined;
const n = (a: Fields, k: string): number => {
  const v = Number(a?.[k] ?? 0);
  return Number.isFinite(v) ? v : 0;
};

/**
 * A customer's attractiveness x relationship standing and strategy: churn-watch's stored one
 * when it watches the customer, else churn-watch's pure classifier on the aggregate (the card,
 * the matrix and the worklist all take it from here, so they agree). Pure.
 */
export function standingOf(p: {
  churn: Pick<ChurnStateView, 'attractiveness' | 'relationship' | 'strategy'> | null;
  tier: Tier;
  aggregate: Fields;
  satisfactionScore: number | null;
  now: number;
}): StandingView {
  if (p.churn) return { attractiveness: p.churn.attractiveness, relationship: p.churn.relationship, strategy: p.churn.strategy, source: 'churn-watch' };
  const a = p.aggregate;
  const asOf = a && Number.isFinite(Number(a.watermark)) && Number(a.watermark) > 0 ? Number(a.watermark) : p.now;
  return {
    ...customerStanding({
      tier: p.tier,
      figures: a
        ? {
            revenueMinor: n(a, 'revenueMinor'),
            profitMinor: n(a, 'profitMinor'),
            txCount: n(a, 'txCount'),
            firstActivityAt: a.firstActivityAt === undefined ? asOf : n(a, 'firstActivityAt'),
            lastActivityAt: a.lastActivityAt === undefined ? asOf : n(a, 'lastActivityAt'),
            currentRevenueMinor: n(a, 'currentRevenueMinor'),
            previousRevenueMinor: n(a, 'previousRevenueMinor'),
          }
        : null,
      satisfactionScore: p.satisfactionScore,
      now: asOf,
    }),
    source: 'computed',
  };
}
