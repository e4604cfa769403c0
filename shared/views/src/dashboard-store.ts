import type { Redis } from '@tierflow/runtime/redis/redis-client';
import type { AggregateContext } from '@tierflow/contracts/keyspace/aggregator/aggregate-row';
import { readChurnRecords } from '@tierflow/contracts/keyspace/churn-watch/churn-state-reader';
import { defaultThresholds, type ChurnThresholds } from '@tierflow/domain/churn/churn-types';
import { basisInfo, type BasisInfo } from '@tierflow/domain/explain/basis-label';
import { explainTier } from '@tierflow/domain/explain/tier-explanation';
import { readAggregates, readAggregatorRecord } from './aggregator-reader';
import { buildCardCore } from './customer-card';
import type { CustomerCard, DashboardData, PopulationSummary, TopRow } from './dashboard-data';
import { TIERS } from '@tierflow/contracts/tier';
import type { RankView } from './rank-view';
import { GLOBAL_SCOPE, scopeName, type Scope } from '@tierflow/contracts/scopes/scope';
import { activeRisks } from './risk-sentences';
import { standingOf } from './standing-of';
import { trendOf } from './trend';
import { readProfileFields } from '@tierflow/contracts/keyspace/profiles/profile-reader';

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
      /** churn-watch's thresholds (its variables and defaults), for the sentences of the card's risks */
      churnThresholds?: ChurnThresholds;
      now?: () => number;
    },
  ) {}

  /** The ranking basis and how pages call it. */
  async basis(): Promise<BasisInfo> {
    return basisInfo(await this.p.rank.basis(), this.p.aggregateContext.rankingWindowDays);
  }

  get currency(): string {
    return this.p.aggregateContext.currency;
  }

  private reader() {
    return { redis: this.p.redis, prefix: this.p.keyPrefix, partitions: this.p.transactionsPartitions, ctx: this.p.aggregateContext };
  }

  async ready(): Promise<boolean> {
    return (await this.p.redis.ping()) === 'PONG';
  }

  async scopes(): Promise<string[]> {
    const scopes = await this.p.rank.scopes();
    return [GLOBAL_SCOPE, ...scopes.filter((s) => s !== GLOBAL_SCOPE).sort()];
  }

  async summary(scope: Scope): Promise<PopulationSummary> {
    const name = scopeName(scope);
    const [f, basis] = await Promise.all([this.p.rank.figures(name), this.basis()]);
    const currency = this.currency;
    if (!f) {
      return {
        scope: name, customers: 0, totalBasisMinor: 0, available: false, asOf: null, basis, currency,
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
      basis,
      currency,
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
    const profiles = await readProfileFields(this.p.redis, this.p.keyPrefix, ids, ['name', 'region']);
    return positions.map((pos, i) => {
      const a = aggregates.get(pos.customerId) ?? null;
      const [name, region] = (profiles[i] ?? [null, null]) as [string | null, string | null];
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
        cumulativeShare: pos.cumulativeShare,
        cumulativeShareBefore: pos.cumulativeShareBefore,
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
    const [position, history, churnRecords, figures, basis] = await Promise.all([
      this.p.rank.position(name, customerId),
      this.p.rank.history(name, customerId, 50),
      readChurnRecords(redis, keyPrefix, [customerId]),
      this.p.rank.figures(name),
      this.basis(),
    ]);
    const churn = churnRecords.get(customerId) ?? null;
    const currency = core.currency ?? this.currency;
    const standing = standingOf({ churn, tier: position?.tier ?? 'C', aggregate: rec.aggregate, satisfactionScore: core.profile.satisfactionScore, now });
    const tierExplanation = position
      ? explainTier({
          tier: position.tier, rawTier: position.rawTier, rank: position.rank, population: figures?.population ?? null,
          basisMinor: position.basisMinor, cumulativeShareBefore: position.cumulativeShareBefore, tierMode: figures?.tierMode ?? null,
          thresholdA: figures?.thresholdA ?? null, thresholdB: figures?.thresholdB ?? null,
          boundaryCountA: figures?.counts.A ?? null, boundaryCountB: figures ? figures.counts.A + figures.counts.B : null,
          boundaryBasisA: figures?.boundaryBasisA ?? null, boundaryBasisB: figures?.boundaryBasisB ?? null,
          hysteresisMargin: figures?.hysteresisMargin ?? null, basis, currency,
        })
      : 'Not ranked in this scope.';
    return {
      ...core,
      scope: name,
      basis,
      tier: position || history.length > 0
        ? {
            tier: position?.tier ?? null,
            rawTier: position?.rawTier ?? null,
            rank: position?.rank ?? null,
            of: figures?.population ?? null,
            basisMinor: position?.basisMinor ?? null,
            cumulativeShare: position?.cumulativeShare ?? null,
            cumulativeShareBefore: position?.cumulativeShareBefore ?? null,
            explanation: tierExplanation,
            history,
          }
        : null,
      churn: churn
        ? {
            score: churn.score,
            signals: activeRisks(churn, this.p.churnThresholds ?? defaultThresholds, currency).map((r) => ({ signal: r.signal, active: true, severity: r.severity, summary: r.sentence })),
          }
        : null,
      standing,
    };
  }
}
