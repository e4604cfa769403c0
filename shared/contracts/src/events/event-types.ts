/**
 * The TypeScript shapes of the Avro events: the billing and CRM input records
 * (schemas/TransactionEvent.avsc, schemas/CustomerProfile.avsc, written by the CLI and read by
 * the aggregator), TierChange (schemas/TierChange.avsc, written by the ranker) and ChurnRisk
 * (schemas/ChurnRisk.avsc, written by churn-watch). CustomerAggregate (the aggregator's) is
 * re-exported from its keyspace module, where its fields are defined once. Field names and
 * types follow the .avsc files (test/unit/foundation/event-schemas.test.ts checks them); the
 * codec validates every value against the registered schema when it encodes. Pure.
 */
import type { Tier } from '../tier';

export type { CustomerAggregate } from '../keyspace/aggregator/aggregate-row';

export type TransactionKind = 'CHARGE' | 'REFUND' | 'ADJUSTMENT' | 'PAYMENT';

export interface TransactionEvent {
  transactionId: string;
  customerId: string;
  occurredAt: number;
  kind: TransactionKind;
  amountMinor: number;
  costMinor: number;
  currency: string;
  product: string | null;
}

export interface CustomerProfile {
  customerId: string;
  name: string | null;
  address: string | null;
  phone: string | null;
  legalRepresentative: string | null;
  industry: string | null;
  region: string | null;
  accountManager: string | null;
  creditLimitMinor: number | null;
  creditTermDays: number | null;
  satisfactionScore: number | null;
  updatedAt: number;
}

/** How the ranker's tier thresholds are read: as a share of the total basis, or a share of the customers. */
export type TierMode = 'share' | 'count';

/** Why a customer's published tier changed in a scope. */
export type TierChangeReason =
  /** the customer's own basis changed */
  | 'BASIS_CHANGE'
  /** another customer's change moved a boundary or shifted the ranks */
  | 'BOUNDARY_SHIFT'
  /** the customer entered the scope (first seen, or moved into the region) */
  | 'SCOPE_JOIN'
  /** the customer left the scope (moved to another region): its tier there becomes C */
  | 'SCOPE_LEAVE'
  /** a change held back by the minimum dwell was released */
  | 'DWELL_ELAPSED';

/** One published-tier change: the value of customer.tier-changes (schemas/TierChange.avsc). */
export interface TierChange {
  eventId: string;
  customerId: string;
  scope: string;
  fromTier: Tier;
  toTier: Tier;
  direction: 'UPGRADE' | 'DOWNGRADE';
  reason: TierChangeReason;
  rawTier: Tier;
  /** 1-based rank in the scope after the update; null when the customer left the scope */
  rank: number | null;
  populationSize: number;
  basisMinor: number;
  /** cumulative basis of the customers ranked before it over the scope total; null when it left */
  cumulativeShareBefore: number | null;
  totalBasisMinor: number;
  tierMode: TierMode;
  thresholdA: number;
  thresholdB: number;
  hysteresisMargin: number;
  minDwellMs: number;
  /** number of customers inside the A and the B threshold (the boundary ranks) */
  boundaryCountA: number;
  boundaryCountB: number;
  /** basis of the last customer inside A / inside B; null when none */
  boundaryBasisA: number | null;
  boundaryBasisB: number | null;
  configVersion: string;
  /** event time of the CustomerAggregate that caused the change */
  eventTime: number;
  causeEventId: string;
  causeCustomerId: string;
  /**
   * The cause's offset in the ranker's input (customer.aggregates, one partition): the ranker
   * applies its input in offset order, so a customer's changes in a scope carry increasing
   * causeOffsets, and a consumer that remembers the last one it applied recognises a change
   * delivered again however late (the outbox is at least once). Absent (null) from rankers of
   * earlier versions and from engines run without a topic (benchmarks, oracles).
   */
  causeOffset?: number | null;
}

/** Deterministic: one cause gives a customer at most one change per scope. */
export const tierChangeEventId = (scope: string, customerId: string, causeEventId: string) =>
  `${scope}|${customerId}|${causeEventId}`;

export type ChurnSignal = 'REVENUE_DECLINE' | 'INACTIVITY' | 'FREQUENCY_DROP' | 'TIER_DOWNGRADE';
export type ChurnStatus = 'RAISED' | 'RESOLVED';
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH';
/** The evaluation classes of the CRM text (ChurnRisk's attractiveness and relationship). */
export type Attractiveness = 'HIGH' | 'MEDIUM' | 'LOW';
export type Relationship = 'GOOD' | 'AVERAGE' | 'POOR';

/** Every churn signal in the schema's order, which is also churn-watch's evaluation order (a replay emits events in the same order). */
export const SIGNALS: readonly ChurnSignal[] = ['REVENUE_DECLINE', 'INACTIVITY', 'FREQUENCY_DROP', 'TIER_DOWNGRADE'];

/** One signal's figures at evaluation time (ChurnRisk's SignalFigures). */
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
