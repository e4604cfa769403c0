import type { Redis } from '@tierflow/runtime/redis/redis-client';
import {
  readCustomerRank,
  readRankBases,
  readRankingBasis,
  readScopes,
  readSummary,
  readTierHistory,
  readTop,
} from '@tierflow/contracts/keyspace/ranker/rank-store-reader';
import { basisInfo } from '@tierflow/domain/explain/basis-label';
import { explainTierChange } from '@tierflow/domain/explain/tier-explanation';
import { tierEventKind } from '@tierflow/domain/explain/tier-event-kind';
import { gini, lorenzPoints } from './concentration';
import type { TierHistoryEntry } from './dashboard-data';
import type { RankPosition, RankView, ScopeFigures } from './rank-view';

/** Above this rank the cumulative share of one customer is not computed (it needs the ranks before it). */
const MAX_RANK_FOR_CUMULATIVE = 50_000;
const CURVE_CACHE_MS = 5_000;

/**
 * The dashboard's view of the ranker's state, through the ranker's own reader functions
 * (shared/contracts/src/keyspace/ranker/rank-store-reader.ts), with the bases of its sorted set
 * per scope for the curve. Tiers shown are the published tiers (the ones tier-change events carry).
 */
export function createRankerView(params: {
  redis: Redis;
  keyPrefix: string;
  now?: () => number;
  /** for the sentences of the tier history (the deployment's REPORTING_CURRENCY, RANKING_WINDOW_DAYS) */
  currency?: string;
  rankingWindowDays?: number;
}): RankView {
  const { redis, keyPrefix: prefix } = params;
  const now = params.now ?? Date.now;
  const curveCache = new Map<string, { at: number; values: Promise<number[]> }>();

  /** All basis values of a scope, largest first (cached briefly: the page asks every few seconds). */
  const valuesOf = (scope: string): Promise<number[]> => {
    const hit = curveCache.get(scope);
    if (hit && now() - hit.at < CURVE_CACHE_MS) return hit.values;
    const values = readRankBases(redis, prefix, scope);
    curveCache.set(scope, { at: now(), values });
    values.catch(() => curveCache.delete(scope));
    return values;
  };

  const basis = (): Promise<string | null> => readRankingBasis(redis, prefix);

  return {
    scopes: () => readScopes(redis, prefix),
    basis,

    async figures(scope): Promise<ScopeFigures | null> {
      const s = await readSummary(redis, prefix, scope);
      if (!s) return null;
      return {
        scope,
        population: s.population,
        totalBasisMinor: s.totalBasisMinor,
        counts: { A: s.countA, B: s.countB, C: s.countC },
        basis: { A: s.basisA, B: s.basisB, C: s.basisC },
        boundaryBasisA: s.boundaryBasisA,
        boundaryBasisB: s.boundaryBasisB,
        thresholdA: s.thresholdA ?? null,
        thresholdB: s.thresholdB ?? null,
        top20Share: s.top20Share ?? null,
        tierMode: s.tierMode ?? null,
        hysteresisMargin: s.hysteresisMargin ?? null,
        asOf: s.eventTime ?? null,
      };
    },

    async top(scope, limit): Promise<RankPosition[]> {
      const [rows, summary] = await Promise.all([readTop(redis, prefix, scope, limit), readSummary(redis, prefix, scope)]);
      const total = summary?.totalBasisMinor ?? 0;
      let before = 0;
      return rows.map((r) => {
        const shareBefore = total > 0 ? before / total : null;
        before += Math.max(0, r.basisMinor);
        const pos: RankPosition = {
          customerId: r.customerId,
          rank: r.rank,
          tier: r.published,
          rawTier: r.raw,
          basisMinor: r.basisMinor,
          cumulativeShareBefore: shareBefore,
          cumulativeShare: total > 0 ? before / total : null,
        };
        return pos;
      });
    },

    async position(scope, customerId): Promise<RankPosition | null> {
      const r = await readCustomerRank(redis, prefix, scope, customerId);
      if (!r) return null;
      let cumulativeShareBefore: number | null = null;
      let cumulativeShare: number | null = null;
      if (r.rank <= MAX_RANK_FOR_CUMULATIVE) {
        const [summary, bases] = await Promise.all([readSummary(redis, prefix, scope), readRankBases(redis, prefix, scope, r.rank - 1)]);
        let before = 0;
        for (const b of bases) before += Math.max(0, b);
        const total = summary?.totalBasisMinor ?? 0;
        cumulativeShareBefore = total > 0 ? before / total : null;
        cumulativeShare = total > 0 ? (before + Math.max(0, r.basisMinor)) / total : null;
      }
      return { customerId, rank: r.rank, tier: r.published, rawTier: r.raw, basisMinor: r.basisMinor, cumulativeShareBefore, cumulativeShare };
    },

    async history(scope, customerId, limit): Promise<TierHistoryEntry[]> {
      const [changes, b] = await Promise.all([readTierHistory(redis, prefix, scope, customerId, limit), basis()]);
      const info = basisInfo(b, params.rankingWindowDays ?? 90);
      return changes.map((c) => ({
        at: c.eventTime, fromTier: c.fromTier, toTier: c.toTier, rank: c.rank,
        kind: tierEventKind(c), explanation: explainTierChange(c, info, params.currency ?? 'USD'),
      }));
    },

    lorenz: async (scope, points) => lorenzPoints(await valuesOf(scope), points),
    gini: async (scope) => gini(await valuesOf(scope)),
  };
}
