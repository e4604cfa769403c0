import { FatalError } from '@tierflow/contracts/errors/tierflow-error';
import type { Redis } from '@tierflow/runtime/redis/redis-client';
import { basisInfo } from '@tierflow/domain/explain/basis-label';
import type { AggregateContext } from '@tierflow/contracts/keyspace/aggregator/aggregate-row';
import { readChurnRecords } from '@tierflow/contracts/keyspace/churn-watch/churn-state-reader';
import { defaultThresholds, type ChurnThresholds } from '@tierflow/domain/churn/churn-types';
import { asTier } from '@tierflow/contracts/tier';
import { defaultStrategyMatrix, type StrategyMatrix } from '@tierflow/domain/strategy/strategy-matrix';
import { readRankOrder, scanCustomerRecords, scopeTierOf } from '@tierflow/contracts/keyspace/ranker/rank-store-reader';
import { readAggregates } from '../aggregator-reader';
import { CARD_PROFILE_FIELDS } from '../customer-card';
import type { RankView } from '../rank-view';
import { activeRisks } from '../risk-sentences';
import { standingOf } from '../standing-of';
import { nextAction, openAlerts } from '@tierflow/domain/care/care-programme';
import type { PortfolioEntry, PortfolioSnapshot } from './portfolio-types';
import { readProfileFields, scanProfileIds } from '@tierflow/contracts/keyspace/profiles/profile-reader';
import { GLOBAL_SCOPE, regionScopeName, UNASSIGNED_REGION } from '@tierflow/contracts/scopes/scope';

/** Refused above this many customers in one snapshot: these lists are for a region's or a team's portfolio. */
export const MAX_PORTFOLIO = 200_000;
const CHUNK = 1_000;
const PROFILE_FIELDS = [...CARD_PROFILE_FIELDS, 'satisfactionScore'] as const;

const num = (v: string | number | null | undefined): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export interface PortfolioReaderParams {
  redis: Redis;
  keyPrefix: string;
  transactionsPartitions: number;
  aggregateContext: AggregateContext;
  rank: Pick<RankView, 'basis'>;
  churnThresholds?: ChurnThresholds;
  /** the strategy names of the matrix cells (churn-watch's STRATEGY_MATRIX) */
  matrix?: StrategyMatrix;
  /** how long a scope's snapshot is reused (the pages refresh every few seconds) */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Every customer of a scope with what the worklist, the lists and the matrix need: profile,
 * published tier and rank, aggregate, churn state (with its sentences), standing, credit, the
 * care programme's next action and the open alert conditions. Reads the same keys as the card
 * (through the services' own readers); one snapshot per scope is cached for cacheMs.
 */
export function createPortfolioReader(p: PortfolioReaderParams) {
  const cache = new Map<string, { at: number; value: Promise<PortfolioSnapshot> }>();
  const now = p.now ?? Date.now;

  async function customerIds(): Promise<Map<string, string | null>> {
    const ids = new Map<string, string | null>();
    let rounds = 0;
    const more = () => !(++rounds > 10_000 || ids.size > MAX_PORTFOLIO);
    await scanCustomerRecords(p.redis, p.keyPrefix, 5_000, (id, record) => ids.set(id, record), more);
    rounds = 0;
    await scanProfileIds(p.redis, p.keyPrefix, 5_000, (id) => {
      if (!ids.has(id)) ids.set(id, null);
    }, more);
    if (ids.size > MAX_PORTFOLIO) throw new FatalError('PORTFOLIO_TOO_LARGE', `more than ${MAX_PORTFOLIO} customers: the portfolio lists are not built for this many`);
    return ids;
  }

  async function build(scope: string): Promise<PortfolioSnapshot> {
    const [records, basisName] = await Promise.all([customerIds(), p.rank.basis()]);
    const basis = basisInfo(basisName, p.aggregateContext.rankingWindowDays);
    const currency = p.aggregateContext.currency;
    const order = await readRankOrder(p.redis, p.keyPrefix, scope);
    const rankOf = new Map(order.map((id, i) => [id, i + 1]));
    const all = [...records.keys()];
    const profiles = new Map<string, Record<string, string | null>>();
    for (let i = 0; i < all.length; i += CHUNK) {
      const part = all.slice(i, i + CHUNK);
      const res = await readProfileFields(p.redis, p.keyPrefix, part, PROFILE_FIELDS);
      part.forEach((id, j) => {
        const row = res[j] ?? [];
        if (row.every((v) => v === null)) return;
        profiles.set(id, Object.fromEntries(PROFILE_FIELDS.map((f, k) => [f, row[k] === '' ? null : (row[k] ?? null)])));
      });
    }
    const entries: PortfolioEntry[] = [];
    const at = now();
    for (let i = 0; i < all.length; i += CHUNK) {
      const part = all.slice(i, i + CHUNK);
      const [aggregates, churn] = await Promise.all([
        readAggregates({ redis: p.redis, prefix: p.keyPrefix, partitions: p.transactionsPartitions, ctx: p.aggregateContext, customerIds: part }),
        readChurnRecords(p.redis, p.keyPrefix, part),
      ]);
      for (const id of part) {
        const record = records.get(id) ?? null;
        const profile = profiles.get(id) ?? null;
        const inScope = scope === GLOBAL_SCOPE ? scopeTierOf(GLOBAL_SCOPE, id, record) : scopeTierOf(scope, id, record);
        const region = profile?.region ?? null;
        if (scope !== GLOBAL_SCOPE && !inScope && !(record === null && regionScopeName(region ?? UNASSIGNED_REGION) === scope)) continue;
        const global = scope === GLOBAL_SCOPE ? inScope : scopeTierOf(GLOBAL_SCOPE, id, record);
        const a = aggregates.get(id) ?? null;
        const aggregate = a ? ({ ...a } as unknown as Record<string, string | number>) : null;
        const state = churn.get(id) ?? null;
        const risks = state ? activeRisks(state, p.churnThresholds ?? defaultThresholds, currency) : [];
        const tier = inScope?.published ?? null;
        const limitMinor = num(profile?.creditLimitMinor);
        const balanceMinor = a ? Number(a.balanceMinor) : null;
        const credit = { limitMinor, balanceMinor, overLimitMinor: limitMinor !== null && balanceMinor !== null ? Math.max(0, balanceMinor - limitMinor) : null };
        const accountManager = profile?.accountManager ?? null;
        entries.push({
          customerId: id,
          name: profile?.name ?? null,
          accountManager,
          region,
          tier,
          rank: rankOf.get(id) ?? null,
          basisMinor: inScope?.basisMinor ?? null,
          revenueMinor: a ? Number(a.rankingRevenueMinor) : 0,
          churnScore: state?.score ?? null,
          risks,
          standing: standingOf({ churn: state, tier: asTier(tier), aggregate, satisfactionScore: num(profile?.satisfactionScore), now: at }),
          missingProfileFields: CARD_PROFILE_FIELDS.filter((f) => !profile || profile[f] === null || profile[f] === undefined),
          credit,
          nextAction: nextAction(tier, risks),
          openAlerts: openAlerts({ globalTier: global?.published ?? null, accountManager, risks, credit, currency }),
        });
      }
    }
    return { scope, basis, currency, entries, asOf: at };
  }

  return {
    matrix: p.matrix ?? defaultStrategyMatrix,
    snapshot(scope: string): Promise<PortfolioSnapshot> {
      const hit = cache.get(scope);
      if (hit && now() - hit.at < (p.cacheMs ?? 5_000)) return hit.value;
      const value = build(scope);
      cache.set(scope, { at: now(), value });
      value.catch(() => cache.delete(scope));
      return value;
    },
  };
}

export type PortfolioReader = ReturnType<typeof createPortfolioReader>;
