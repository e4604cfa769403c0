import type { ReviewChurnRisk, ReviewData, ReviewTierChange } from './review-data';

export interface ChurningKeyAccount {
  customerId: string;
  tier: string;
  score: number;
  signals: Array<{ signal: string; severity: string; summary: string | null }>;
  strategy: string;
}

export interface ReviewFindings {
  /** key (A/B) customers whose latest state has at least one raised churn signal */
  churning: ChurningKeyAccount[];
  /** top accounts whose current window fell by at least the decline threshold */
  declining: Array<{ customerId: string; name: string | null; tier: string | null; growth: number; currentRevenueMinor: number | null }>;
  movements: { upgrades: number; downgrades: number; byPath: Array<{ path: string; count: number }> };
  /** downgrades out of A in the period, latest first */
  lostKeyAccounts: ReviewTierChange[];
  /** upgrades into A in the period, latest first */
  newKeyAccounts: ReviewTierChange[];
}

/**
 * The review's questions, answered from its data: are key customers churning, is their value
 * declining, how did tiers move. Pure. Churn risks are folded per customer and signal in time
 * order, so a signal RAISED then RESOLVED in the period does not count as active.
 */
export function analyseReview(data: ReviewData, declineThreshold = -0.2): ReviewFindings {
  const latest = new Map<string, ReviewChurnRisk>();
  for (const r of [...data.churnRisks].sort((a, b) => a.eventTime - b.eventTime)) latest.set(`${r.customerId}|${r.signal}`, r);
  const byCustomer = new Map<string, ChurningKeyAccount>();
  for (const r of latest.values()) {
    if (r.status !== 'RAISED' || (r.tier !== 'A' && r.tier !== 'B')) continue;
    const entry = byCustomer.get(r.customerId) ?? { customerId: r.customerId, tier: r.tier, score: 0, signals: [], strategy: r.strategy };
    entry.signals.push({ signal: r.signal, severity: r.severity, summary: r.summary });
    entry.score = Math.max(entry.score, r.score);
    byCustomer.set(r.customerId, entry);
  }
  const churning = [...byCustomer.values()].sort((a, b) => b.score - a.score || (a.customerId < b.customerId ? -1 : 1));
  const declining = data.top
    .filter((t) => (t.tier === 'A' || t.tier === 'B') && t.growth !== null && t.growth <= declineThreshold)
    .map((t) => ({ customerId: t.customerId, name: t.name, tier: t.tier, growth: t.growth as number, currentRevenueMinor: t.currentRevenueMinor }))
    .sort((a, b) => a.growth - b.growth);
  const inScope = data.tierChanges.filter((c) => c.scope === data.scope);
  const paths = new Map<string, number>();
  for (const c of inScope) paths.set(`${c.fromTier}→${c.toTier}`, (paths.get(`${c.fromTier}→${c.toTier}`) ?? 0) + 1);
  const latestFirst = [...inScope].sort((a, b) => b.eventTime - a.eventTime);
  return {
    churning,
    declining,
    movements: {
      upgrades: inScope.filter((c) => c.direction === 'UPGRADE').length,
      downgrades: inScope.filter((c) => c.direction === 'DOWNGRADE').length,
      byPath: [...paths.entries()].map(([path, count]) => ({ path, count })).sort((a, b) => b.count - a.count || (a.path < b.path ? -1 : 1)),
    },
    lostKeyAccounts: latestFirst.filter((c) => c.fromTier === 'A' && c.toTier !== 'A'),
    newKeyAccounts: latestFirst.filter((c) => c.toTier === 'A' && c.fromTier !== 'A'),
  };
}
