import type { PopulationSummary, TopRow } from '@tierflow/dashboard/dashboard-data';

/** A tier change as the review needs it (a subset of the TierChange record). */
export interface ReviewTierChange {
  customerId: string;
  scope: string;
  fromTier: string;
  toTier: string;
  direction: string;
  reason: string;
  rank: number | null;
  basisMinor: number;
  eventTime: number;
}

/** A churn risk as the review needs it (a subset of the ChurnRisk record). */
export interface ReviewChurnRisk {
  customerId: string;
  signal: string;
  status: string;
  severity: string;
  score: number;
  tier: string;
  eventTime: number;
  strategy: string;
  summary: string | null;
}

/** Everything one periodic review is made from. */
export interface ReviewData {
  scope: string;
  generatedAt: number;
  periodStart: number;
  periodEnd: number;
  summary: PopulationSummary;
  /** the scope's top accounts (with trend) */
  top: TopRow[];
  tierChanges: ReviewTierChange[];
  churnRisks: ReviewChurnRisk[];
  currency: string;
}
