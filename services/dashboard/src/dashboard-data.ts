import type { CardCore } from './customer-card';
import type { Scope } from './request-validation';

export type TierName = 'A' | 'B' | 'C';

export interface TierStats {
  tier: TierName;
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
  /** false when the ranker has not written this scope yet */
  available: boolean;
}

export interface TopRow {
  rank: number;
  customerId: string;
  name: string | null;
  region: string | null;
  tier: TierName | null;
  basisMinor: number;
  cumulativeShare: number | null;
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
}

export interface CustomerCard extends CardCore {
  scope: string;
  tier: { tier: TierName | null; rank: number | null; of: number | null; basisMinor: number | null; cumulativeShare: number | null; history: TierHistoryEntry[] } | null;
  churn: { score: number | null; signals: Array<{ signal: string; active: boolean; severity: string | null; summary: string | null }> } | null;
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
