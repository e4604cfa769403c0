import { classifyAttractiveness, defaultAttractivenessConfig, windowGrowth, type AttractivenessConfig } from './attractiveness';
import { classifyRelationship, defaultRelationshipConfig, type RelationshipConfig } from './relationship';
import { defaultStrategyMatrix, strategyFor, type StrategyMatrix } from './strategy-matrix';
import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';
import type { Tier } from '@tierflow/contracts/tier';

export interface StandingConfig {
  attractiveness: AttractivenessConfig;
  relationship: RelationshipConfig;
  matrix: StrategyMatrix;
}

export const defaultStandingConfig: StandingConfig = {
  attractiveness: defaultAttractivenessConfig,
  relationship: defaultRelationshipConfig,
  matrix: defaultStrategyMatrix,
};

/** The aggregate figures standing needs (a subset of CustomerAggregate). */
export interface StandingFigures {
  revenueMinor: number;
  profitMinor: number;
  txCount: number;
  firstActivityAt: number;
  lastActivityAt: number;
  currentRevenueMinor: number;
  previousRevenueMinor: number;
}

export interface Standing {
  attractiveness: Attractiveness;
  relationship: Relationship;
  strategy: string;
}

/** Usual time between a customer's transactions: tenure / count (null below two transactions). */
export function usualGapMs(f: Pick<StandingFigures, 'txCount' | 'firstActivityAt' | 'lastActivityAt'>): number | null {
  if (f.txCount < 2) return null;
  return (f.lastActivityAt - f.firstActivityAt) / f.txCount;
}

/** A customer's attractiveness, relationship and strategy at time `now`. */
export function customerStanding(params: {
  tier: Tier;
  figures: StandingFigures | null;
  satisfactionScore: number | null;
  now: number;
  config?: StandingConfig;
}): Standing {
  const config = params.config ?? defaultStandingConfig;
  const f = params.figures ?? {
    revenueMinor: 0,
    profitMinor: 0,
    txCount: 0,
    firstActivityAt: params.now,
    lastActivityAt: params.now,
    currentRevenueMinor: 0,
    previousRevenueMinor: 0,
  };
  const attractiveness = classifyAttractiveness({ tier: params.tier, ...f }, config.attractiveness).level;
  const relationship = classifyRelationship(
    {
      tenureMs: Math.max(0, params.now - f.firstActivityAt),
      silentMs: Math.max(0, params.now - f.lastActivityAt),
      usualGapMs: usualGapMs(f),
      growth: windowGrowth(f.currentRevenueMinor, f.previousRevenueMinor),
      satisfactionScore: params.satisfactionScore,
    },
    config.relationship,
  ).level;
  return { attractiveness, relationship, strategy: strategyFor(attractiveness, relationship, config.matrix) };
}
