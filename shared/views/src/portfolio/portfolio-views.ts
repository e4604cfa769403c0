import { ATTRACTIVENESS_LEVELS, RELATIONSHIP_LEVELS } from '@tierflow/domain/strategy/strategy-types';
import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';
import { defaultStrategyMatrix, type StrategyMatrix } from '@tierflow/domain/strategy/strategy-matrix';
import type { MatrixAnswer, PortfolioEntry, PortfolioSnapshot } from './portfolio-types';

/** The value the lists filter on for "accounts without an account manager". */
export const NO_MANAGER = '(none)';

const TIER_ORDER: Record<string, number> = { A: 0, B: 1, C: 2 };
const byRank = (a: PortfolioEntry, b: PortfolioEntry) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.customerId < b.customerId ? -1 : 1);

export const managerMatches = (e: PortfolioEntry, manager: string | undefined) =>
  manager === undefined || (manager === NO_MANAGER ? e.accountManager === null : e.accountManager === manager);

/** The account managers of a scope with how many accounts each has (unassigned as "(none)"). */
export function managers(s: PortfolioSnapshot): Array<{ name: string; accounts: number }> {
  const counts = new Map<string, number>();
  for (const e of s.entries) counts.set(e.accountManager ?? NO_MANAGER, (counts.get(e.accountManager ?? NO_MANAGER) ?? 0) + 1);
  return [...counts.entries()].map(([name, accounts]) => ({ name, accounts })).sort((a, b) => (a.name === NO_MANAGER ? 1 : b.name === NO_MANAGER ? -1 : a.name < b.name ? -1 : 1));
}

/** One manager's accounts: by tier, then by risk (open alerts, churn score), then by rank. Pure. */
export function worklist(s: PortfolioSnapshot, manager: string): PortfolioEntry[] {
  return s.entries
    .filter((e) => managerMatches(e, manager))
    .sort((a, b) =>
      (TIER_ORDER[a.tier ?? 'C'] ?? 3) - (TIER_ORDER[b.tier ?? 'C'] ?? 3) ||
      b.openAlerts.length - a.openAlerts.length ||
      (b.churnScore ?? 0) - (a.churnScore ?? 0) ||
      byRank(a, b));
}

/** Customers over their credit limit, largest excess first. Pure. */
export function overLimit(s: PortfolioSnapshot, manager?: string): PortfolioEntry[] {
  return s.entries
    .filter((e) => managerMatches(e, manager) && (e.credit.overLimitMinor ?? 0) > 0)
    .sort((a, b) => (b.credit.overLimitMinor ?? 0) - (a.credit.overLimitMinor ?? 0) || byRank(a, b));
}

/** Customers whose card profile misses fields, key tiers first. Pure. */
export function incompleteProfiles(s: PortfolioSnapshot, manager?: string): PortfolioEntry[] {
  return s.entries
    .filter((e) => managerMatches(e, manager) && e.missingProfileFields.length > 0)
    .sort((a, b) => (TIER_ORDER[a.tier ?? 'C'] ?? 3) - (TIER_ORDER[b.tier ?? 'C'] ?? 3) || byRank(a, b));
}

/** The attractiveness x relationship matrix: counts, basis and revenue per cell. Pure. */
export function strategyMatrixView(s: PortfolioSnapshot, matrix: StrategyMatrix = defaultStrategyMatrix): MatrixAnswer {
  const rows = ATTRACTIVENESS_LEVELS.map((attractiveness) => ({
    attractiveness,
    cells: RELATIONSHIP_LEVELS.map((relationship) => {
      const inCell = s.entries.filter((e) => e.standing.attractiveness === attractiveness && e.standing.relationship === relationship);
      return {
        attractiveness,
        relationship,
        strategy: matrix[attractiveness][relationship],
        customers: inCell.length,
        basisMinor: inCell.reduce((sum, e) => sum + Math.max(0, e.basisMinor ?? 0), 0),
        revenueMinor: inCell.reduce((sum, e) => sum + e.revenueMinor, 0),
      };
    }),
  }));
  return { scope: s.scope, basis: s.basis, currency: s.currency, rows, customers: s.entries.length };
}

/** The customers of one matrix cell, by rank. Pure. */
export function matrixCell(s: PortfolioSnapshot, attractiveness: Attractiveness, relationship: Relationship): PortfolioEntry[] {
  return s.entries.filter((e) => e.standing.attractiveness === attractiveness && e.standing.relationship === relationship).sort(byRank);
}
