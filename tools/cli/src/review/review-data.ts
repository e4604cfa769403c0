import type { BasisInfo } from '@tierflow/domain/explain/basis-label';
import type { TierChangeFacts } from '@tierflow/domain/explain/tier-explanation';
import type { PopulationSummary, TopRow } from '@tierflow/views/dashboard-data';

/** A tier change as the review needs it (the TierChange record's fields; the figures explain it). */
export type ReviewTierChange = TierChangeFacts & { eventTime: number; rank: number | null; basisMinor: number };

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

/** A customer as its card shows it now (the dashboard's read model): name, manager, tier, churn. */
export interface ReviewAccount {
  customerId: string;
  name: string | null;
  accountManager: string | null;
  tier: string | null;
  churnScore: number | null;
  risks: Array<{ signal: string; severity: string; sentence: string }>;
  strategy: string;
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
  /** every customer of the scope as the cards show it, by id */
  accounts: Record<string, ReviewAccount>;
  currency: string;
  basis: BasisInfo;
}
