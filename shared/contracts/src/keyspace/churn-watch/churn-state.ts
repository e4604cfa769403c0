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
   * The causeOffset of the last global tier change applied (TierChange.causeOffset): a change
   * at or below it was applied already (the ranker's outbox is at least once, and a repeat can
   * come long after, once the ranker is back from a crash) or is older than one applied (a
   * staged change released after a later one), and is skipped. Absent until a change with a
   * causeOffset is applied, and in states of earlier versions.
   */
  tierOffset?: number;
}
