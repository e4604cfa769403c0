import type { Tier, TierMode } from './tier-rules';

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
}

/** Deterministic: one cause gives a customer at most one change per scope. */
export const tierChangeEventId = (scope: string, customerId: string, causeEventId: string) =>
  `${scope}|${customerId}|${causeEventId}`;
