import type { BasisInfo } from '@tierflow/domain/explain/basis-label';
import type { CardCore } from './customer-card';
import type { Scope } from '@tierflow/contracts/scopes/scope';
import type { Tier } from '@tierflow/contracts/tier';

export interface TierStats {
  tier: Tier;
  customers: number;
  basisMinor: number;
  /** share of the scope's total basis */
  share: number;
}

/** The population of one scope: counts and value per tier, concentration and the tier boundaries. */
export interface PopulationSummary {
  scope: string;
  customers: number;
  totalBasisMinor: number;
  tiers: TierStats[];
  concentration: {
    /** share of the basis held by the top 20% of customers */
    top20Share: number | null;
    gini: number | null;
    /** Lorenz curve from the largest customer down: [share of customers, cumulative share of basis] */
    lorenz: Array<[number, number]>;
  };
  /** the smallest basis still in A and in B (null when the tier is empty), and the thresholds */
  boundaries: { aMinBasisMinor: number | null; bMinBasisMinor: number | null; aThreshold: number | null; bThreshold: number | null };
  asOf: number | null;
  /** what the ranking basis is (labels follow the ranker's RANKING_BASIS) */
  basis: BasisInfo;
  currency: string;
  /** false when the ranker has not written this scope yet */
  available: boolean;
}

export interface TopRow {
  rank: number;
  customerId: string;
  name: string | null;
  region: string | null;
  tier: Tier | null;
  basisMinor: number;
  /** share of the scope's basis held by the customers up to and including this row */
  cumulativeShare: number | null;
  /** the same before this row */
  cumulativeShareBefore: number | null;
  currentRevenueMinor: number | null;
  previousRevenueMinor: number | null;
  /** current window / previous - 1; null without a previous window */
  growth: number | null;
  trend: 'up' | 'down' | 'flat' | 'new' | null;
}

export interface TierHistoryEntry {
  at: number;
  fromTier: string | null;
  toTier: string;
  rank: number | null;
  /** first-classification | upgrade | downgrade | left-scope */
  kind: string;
  explanation: string;
}

export interface CustomerCard extends CardCore {
  scope: string;
  tier: {
    tier: Tier | null;
    rawTier: Tier | null;
    rank: number | null;
    of: number | null;
    basisMinor: number | null;
    /** share of the scope's basis up to and including this customer */
    cumulativeShare: number | null;
    cumulativeShareBefore: number | null;
    /** why this tier, in words (shared/domain/src/explain/tier-explanation.ts) */
    explanation: string;
    history: TierHistoryEntry[];
  } | null;
  /** summary: why this risk, in words (the measured values against their thresholds) */
  churn: { score: number | null; signals: Array<{ signal: string; active: boolean; severity: string | null; summary: string | null }> } | null;
  basis: BasisInfo;
  standing: { attractiveness: string; relationship: string; strategy: string; source: 'churn-watch' | 'computed' };
}

/** What the HTTP API reads; the real implementation reads Redis (dashboard-store.ts). */
export interface DashboardData {
  summary(scope: Scope): Promise<PopulationSummary>;
  top(scope: Scope, limit: number): Promise<TopRow[]>;
  card(customerId: string, scope: Scope): Promise<CustomerCard | null>;
  /** the scopes that exist: "global" and "region:<name>" for each region seen */
  scopes(): Promise<string[]>;
  ready(): Promise<boolean>;
}
