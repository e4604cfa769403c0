/**
 * The per-customer record churn-watch keeps in its state hash (churnKeys(prefix).state, one
 * JSON value per customer). Written only by services/churn-watch; read by the dashboard and
 * the CLI through churn-state-reader.ts. Pure.
 */
import type { Attractiveness, ChurnSignal, CustomerAggregate, Relationship, Severity } from '../../events/event-types';
import type { Tier } from '../../tier';

/** The CustomerAggregate fields churn-watch keeps. */
export type AggregateFigures = Pick<
  CustomerAggregate,
  | 'seq'
  | 'watermark'
  | 'revenueMinor'
  | 'profitMinor'
  | 'txCount'
  | 'firstActivityAt'
  | 'lastActivityAt'
  | 'currentRevenueMinor'
  | 'previousRevenueMinor'
  | 'currentCount'
  | 'previousCount'
>;

/** Per customer and signal: what is active, and what was last told downstream (for cool-down). */
export interface SignalState {
  active: boolean;
  severity: Severity;
  strength: number;
  /** a RAISED event went out for the current activation */
  notified: boolean;
  lastRaisedAt: number | null;
  lastRaisedSeverity: Severity | null;
}

/** Everything churn-watch keeps about one customer (stored as JSON in Redis). */
export interface CustomerChurnState {
  customerId: string;
  tier: Tier;
  /** set by a global downgrade out of a key tier; cleared when the customer is back */
  downgrade: { fromTier: Tier; toTier: Tier; at: number } | null;
  agg: AggregateFigures | null;
  signals: Partial<Record<ChurnSignal, SignalState>>;
  /** next inactivity check (indexed in the timers sorted set), null when none */
  timerDueAt: number | null;
  score: number;
  attractiveness: Attractiveness;
  relationship: Relationship;
  strategy: string;
  updatedAt: number;
  /**
   * The tier changes applied last (at most TIERS_REMEMBERED, oldest first), each by its
   * eventId without the `global|<customerId>|` it starts with: a tier change delivered again
   * (the ranker's outbox is at least once) is recognised and not applied twice. Absent in
   * states of earlier versions.
   */
  tiersApplied?: string[];
}

/** How many applied tier changes a churn state remembers, to skip their repeats. */
export const TIERS_REMEMBERED = 8;

/** A tier change's mark in `tiersApplied`: its eventId without the scope and customer it starts with. */
export function tierMark(customerId: string, eventId: string): string {
  const head = `global|${customerId}|`;
  return eventId.startsWith(head) ? eventId.slice(head.length) : eventId;
}
