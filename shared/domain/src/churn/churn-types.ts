import type { StandingFigures } from '../strategy/customer-standing';
import type { Attractiveness, Relationship, Tier } from '../strategy/strategy-types';

export type ChurnSignal = 'REVENUE_DECLINE' | 'INACTIVITY' | 'FREQUENCY_DROP' | 'TIER_DOWNGRADE';
export type ChurnStatus = 'RAISED' | 'RESOLVED';
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH';

/** Evaluation order, fixed so a replay emits events in the same order. */
export const SIGNALS: readonly ChurnSignal[] = ['REVENUE_DECLINE', 'INACTIVITY', 'FREQUENCY_DROP', 'TIER_DOWNGRADE'];

export const SEVERITY_RANK: Record<Severity, number> = { LOW: 1, MEDIUM: 2, HIGH: 3 };

/** Strength 0..1 -> severity: HIGH from 0.75, MEDIUM from 0.5, else LOW. */
export function severityOf(strength: number): Severity {
  return strength >= 0.75 ? 'HIGH' : strength >= 0.5 ? 'MEDIUM' : 'LOW';
}

/** The CustomerAggregate fields churn-watch keeps. */
export interface AggregateFigures extends StandingFigures {
  seq: number;
  watermark: number;
  currentCount: number;
  previousCount: number;
}

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
}

/** One signal's figures at evaluation time. */
export interface SignalMeasure {
  signal: ChurnSignal;
  active: boolean;
  strength: number;
  summary: string;
  figures: Record<string, number>;
}

/** The ChurnRisk Avro record (schemas/ChurnRisk.avsc). */
export interface ChurnRiskEvent {
  eventId: string;
  customerId: string;
  signal: ChurnSignal;
  status: ChurnStatus;
  severity: Severity;
  score: number;
  tier: Tier;
  trigger: string;
  eventTime: number;
  watermark: number;
  explanation: SignalMeasure[];
  attractiveness: Attractiveness;
  relationship: Relationship;
  strategy: string;
}

/** Thresholds of the signals (all configurable by env, see churn-config.ts). */
export interface ChurnThresholds {
  keyTiers: Tier[];
  /** minimum tenure (now - first activity) before a customer can be flagged */
  minTenureMs: number;
  /** no repeat of a signal for a customer within this long of its last RAISED, unless severity rises */
  cooldownMs: number;
  /** current vs previous window revenue drop (0.3 = 30%) */
  declineRatio: number;
  /** previous window revenue must be at least this (minor units) */
  declineMinPreviousMinor: number;
  /** silence threshold = max(floor, factor x usual gap), capped */
  inactivityGapFactor: number;
  inactivityFloorMs: number;
  inactivityCapMs: number;
  /** current vs previous window transaction count drop */
  frequencyDropRatio: number;
  frequencyMinPreviousCount: number;
}

export const DAY_MS = 86_400_000;

export const defaultThresholds: ChurnThresholds = {
  keyTiers: ['A', 'B'],
  minTenureMs: 30 * DAY_MS,
  cooldownMs: 14 * DAY_MS,
  declineRatio: 0.3,
  declineMinPreviousMinor: 100_000,
  inactivityGapFactor: 2,
  inactivityFloorMs: 7 * DAY_MS,
  inactivityCapMs: 180 * DAY_MS,
  frequencyDropRatio: 0.5,
  frequencyMinPreviousCount: 4,
};
