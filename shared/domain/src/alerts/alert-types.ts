import type { ChurnRiskEvent, SignalMeasure, TierChange } from '@tierflow/contracts/events/event-types';

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

/** The fields of a ChurnRisk event (schemas/ChurnRisk.avsc) the alerter reads; a signal's figures may be absent. */
export type ChurnRiskInput = Pick<
  ChurnRiskEvent,
  'eventId' | 'customerId' | 'signal' | 'status' | 'severity' | 'score' | 'tier' | 'eventTime' | 'strategy'
> & {
  explanation: Array<Pick<SignalMeasure, 'signal' | 'active' | 'summary'> & Partial<Pick<SignalMeasure, 'figures'>>>;
};

/**
 * The fields of a TierChange event (schemas/TierChange.avsc) the alerter reads: the identity
 * and the move, and the rest of the record for the sentence (absent in old tests' records).
 */
export type TierChangeInput = Pick<TierChange, 'eventId' | 'customerId' | 'scope' | 'fromTier' | 'toTier' | 'eventTime'> &
  Partial<
    Pick<
      TierChange,
      | 'direction'
      | 'reason'
      | 'rawTier'
      | 'rank'
      | 'populationSize'
      | 'basisMinor'
      | 'cumulativeShareBefore'
      | 'tierMode'
      | 'thresholdA'
      | 'thresholdB'
      | 'hysteresisMargin'
      | 'boundaryCountA'
      | 'boundaryCountB'
      | 'boundaryBasisA'
      | 'boundaryBasisB'
    >
  >;

/** The profile fields routing needs (the aggregator's `<prefix>profile:<customerId>` hash). */
export interface RoutingProfile {
  accountManager: string | null;
  name: string | null;
}
