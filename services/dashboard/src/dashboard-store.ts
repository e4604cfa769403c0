import type { Redis } from '@tierflow/shared/redis-client';
import type { AggregateContext } from '@tierflow/aggregator/aggregate-row';
import { readChurnState } from '@tierflow/churn-watch/churn-state-reader';
import { customerStanding } from '@tierflow/churn-watch/strategy/customer-standing';
import { readAggregates, readAggregatorRecord } from './aggregator-reader';
import { buildCardCore } from './customer-card';
import type { CustomerCard, DashboardData, PopulationSummary, TierName, TopRow } from './dashboard-data';
import type { RankView } from './rank-view';
import { scopeName, type Scope } from './request-validation';
import { trendOf } from './trend';

const TIERS: TierName[] = ['A', 'B', 'C'];

/** The dashboard's reads: the aggregator's hashes, the ranker's view and churn-watch's state. */
export class DashboardStore implements DashboardData {
  constructor(
    private readonly p: {
      redis: Redis;
      rank: RankView;
      keyPrefix: string;
      transactionsPartitions: number;
      /** the deployment's reporting currency and window lengths (as the aggregator is configured) */
      aggregateContext: AggregateContext;
      now?: () => number;
    },
  ) {}

  private reader() {
    return { redis: this.p.redis, prefix: this.p.keyPrefix, partitions: this.p.transactionsPartitions, ctx: this.p.aggregateContext };
  }

  async ready(): Promise<boolean> {
    return (await this.p.redis.ping()) === 'PONG';
  }

  async scopes(): Promise<string[]> {
    const scopes = await this.p.rank.scopes();
    return ['global', ...scopes.filter((s) => s !== 'global').sort()];
  }

  async summary(scope: Scope): Promise<PopulationSummary> {
    const name = scopeName(scope);
    const f = await this.p.rank.figures(name);
    if (!f) {
      return {
        scope: name, customers: 0, totalBasisMinor: 0, available: false, asOf: null,
        tiers: TIERS.map((tier) => ({ tier, customers: 0, basisMinor: 0, share: 0 })),
        concentration: { top20Share: null, gini: null, lorenz: [] },
        boundaries: { aMinBasisMinor: null, bMinBasisMinor: null, aThreshold: null, bThreshold: null },
      };
    }
    const [lorenz, gini] = await Promise.all([this.p.rank.lorenz(name, 100), this.p.rank.gini(name)]);
    return {
      scope: name,
      customers: f.population,
      totalBasisMinor: f.totalBasisMinor,
      available: true,
      asOf: f.asOf,
      tiers: TIERS.map((tier) => ({
        tier,
        customers: f.counts[tier],
        basisMinor: f.basis[tier],
        share: f.totalBasisMinor > 0 ? f.basis[tier] / f.totalBasisMinor : 0,
      })),
      concentration: { top20Share: f.top20Share, gini, lorenz },
      boundaries: { aMinBasisMinor: f.boundaryBasisA, bMinBasisMinor: f.boundaryBasisB, aThreshold: f.thresholdA, bThreshold: f.thresholdB },
    };
  }

  async top(scope: Scope, limit: number): Promise<TopRow[]> {
    const positions = await this.p.rank.top(scopeName(scope), limit);
    const ids = positions.map((x) => x.customerId);
    const aggregates = await readAggregates({ ...this.reader(), customerIds: ids });
    const pipe = this.p.redis.pipeline();
    for (const id of ids) pipe.hmget(`${this.p.keyPrefix}profile:${id}`, 'name', 'region');
    const profiles = (await pipe.exec()) ?? [];
    return positions.map((pos, i) => {
      const a = aggregates.get(pos.customerId) ?? null;
      const [name, region] = ((profiles[i]?.[1] as Array<string | null> | undefined) ?? [null, null]) as [string | null, string | null];
      const current = a ? Number(a.currentRevenueMinor ?? 0) : null;
      const previous = a ? Number(a.previousRevenueMinor ?? 0) : null;
      const t = trendOf(current, previous);
      return {
        rank: pos.rank,
        customerId: pos.customerId,
        name,
        region,
        tier: pos.tier,
        basisMinor: pos.basisMinor,
        cumulativeShare: pos.cumulativeShareBefore,
        currentRevenueMinor: current,
        previousRevenueMinor: previous,
        growth: t.growth,
        trend: t.trend,
      };
    });
  }

  async card(customerId: string, scope: Scope): Promise<CustomerCard | null> {
    const { redis, keyPrefix } = this.p;
    const now = (this.p.now ?? Date.now)();
    const rec = await readAggregatorRecord({ ...this.reader(), customerId });
    const core = buildCardCore(customerId, rec, now);
    if (!core) return null;
    const name = scopeName(scope);
    const [position, history, churn, figures] = await Promise.all([
      this.p.rank.position(name, customerId),
      this.p.rank.history(name, customerId, 50),
      readChurnState(redis, keyPrefix, customerId),
      this.p.rank.figures(name),
    ]);
    const standing = churn
      ? { attractiveness: churn.attractiveness, relationship: churn.relationship, strategy: churn.strategy, source: 'churn-watch' as const }
      : {
          ...customerStanding({
            tier: position?.tier ?? 'C',
            figures: rec.aggregate
              ? {
                  revenueMinor: core.lifetime.revenueMinor,
                  profitMinor: core.lifetime.profitMinor,
                  txCount: core.lifetime.count,
                  firstActivityAt: core.lifetime.firstActivityAt ?? now,
                  lastActivityAt: core.lifetime.lastActivityAt ?? now,
                  currentRevenueMinor: core.current.revenueMinor,
                  previousRevenueMinor: core.previous.revenueMinor,
                }
              : null,
            satisfactionScore: core.profile.satisfactionScore,
            now: core.asOf ?? now,
          }),
          source: 'computed' as const,
        };
    return {
      ...core,
      scope: name,
      tier: position || history.length > 0
        ? {
            tier: position?.tier ?? null,
            rank: position?.rank ?? null,
            of: figures?.population ?? null,
            basisMinor: position?.basisMinor ?? null,
            cumulativeShare: position?.cumulativeShareBefore ?? null,
            history,
          }
        : null,
      churn: churn
        ? { score: churn.score, signals: churn.activeSignals.map((s) => ({ signal: s.signal, active: true, severity: s.severity, summary: null })) }
        : null,
      standing,
    };
  }
}
