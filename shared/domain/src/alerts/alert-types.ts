/** What the care programme asks people to do. */
export type AlertKind = 'churn-risk' | 'churn-resolved' | 'assign-account-manager' | 'review';

/** One alert for one recipient; the JSON body of a webhook call. */
export interface Alert {
  /** deterministic: '<source eventId>|<kind>'; the webhook's X-Tierflow-Alert-Id */
  alertId: string;
  /** customer|kind|period start (alert-rules.ts dedupeKey): the store queues one alert per key */
  dedupeKey?: string;
  kind: AlertKind;
  customerId: string;
  recipient: string;
  tier: string;
  severity: string | null;
  summary: string;
  sourceTopic: string;
  sourceEventId: string;
  occurredAt: number;
  details: Record<string, string | number | boolean | null>;
}

/** The fields of a ChurnRisk event (schemas/ChurnRisk.avsc) the alerter reads. */
export interface ChurnRiskInput {
  eventId: string;
  customerId: string;
  signal: string;
  status: string;
  severity: string;
  score: number;
  tier: string;
  eventTime: number;
  strategy: string;
  explanation: Array<{ signal: string; active: boolean; summary: string; figures?: Record<string, number> }>;
}

/** The fields of a TierChange event (schemas/TierChange.avsc) the alerter reads. */
export interface TierChangeInput {
  eventId: string;
  customerId: string;
  scope: string;
  fromTier: string;
  toTier: string;
  eventTime: number;
  /** the rest of the TierChange record, for the sentence (absent in old tests' records) */
  direction?: string;
  reason?: string;
  rawTier?: string;
  rank?: number | null;
  populationSize?: number;
  basisMinor?: number;
  cumulativeShareBefore?: number | null;
  tierMode?: string;
  thresholdA?: number;
  thresholdB?: number;
  hysteresisMargin?: number;
  boundaryCountA?: number;
  boundaryCountB?: number;
  boundaryBasisA?: number | null;
  boundaryBasisB?: number | null;
}

/** The profile fields routing needs (the aggregator's `<prefix>profile:<customerId>` hash). */
export interface RoutingProfile {
  accountManager: string | null;
  name: string | null;
}
