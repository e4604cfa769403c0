import type { CustomerTable } from './customer-table';
import type { ScopeRanking } from './scope-ranking';
import { tierChangeEventId, type TierChange, type TierChangeReason } from '@tierflow/contracts/events/event-types';
import type { RankUpdate } from './rank-update';
import type { TierRules } from './tier-rules';
import { TIERS, type TierCode } from '@tierflow/contracts/tier';

/**
 * The TierChange event of one published-tier change of customer h in a scope, with everything
 * that explains it (rank, shares, thresholds, boundaries, the cause). r is its 0-based rank, or
 * null when it left the scope. Pure (reads the index: one prefix sum and two k-th lookups).
 */
export function buildTierChange(
  customers: CustomerTable,
  rules: TierRules,
  configVersion: string,
  update: RankUpdate,
  scope: ScopeRanking,
  h: number,
  r: number | null,
  from: TierCode,
  to: TierCode,
  reason: TierChangeReason,
): TierChange {
  const t = customers;
  const idx = scope.index;
  const k = scope.bounds;
  const total = idx.total;
  const customerId = t.idOf(h);
  const kA = k[0] as number;
  const kB = k[1] as number;
  return {
    eventId: tierChangeEventId(scope.name, customerId, update.causeEventId),
    customerId,
    scope: scope.name,
    fromTier: TIERS[from],
    toTier: TIERS[to],
    direction: to < from ? 'UPGRADE' : 'DOWNGRADE',
    reason,
    rawTier: TIERS[t.rawOf(h, scope.slot)],
    rank: r === null ? null : r + 1,
    populationSize: idx.size,
    basisMinor: t.basisOf(h),
    cumulativeShareBefore: r === null ? null : total > 0 ? idx.prefixSum(r) / total : 0,
    totalBasisMinor: total,
    tierMode: rules.mode,
    thresholdA: rules.thresholdA,
    thresholdB: rules.thresholdB,
    hysteresisMargin: rules.margin,
    minDwellMs: rules.minDwellMs,
    boundaryCountA: kA,
    boundaryCountB: kB,
    boundaryBasisA: kA > 0 ? idx.basisAt(kA - 1) : null,
    boundaryBasisB: kB > 0 ? idx.basisAt(kB - 1) : null,
    configVersion: configVersion,
    eventTime: update.eventTime,
    causeEventId: update.causeEventId,
    causeCustomerId: update.customerId,
    causeOffset: update.causeOffset ?? null,
  };
}
