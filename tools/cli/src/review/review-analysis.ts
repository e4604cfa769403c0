import { explainTierChange } from '@tierflow/domain/explain/tier-explanation';
import type { ReviewAccount, ReviewData } from './review-data';
import { netMoves, type NetMove } from './review-moves';

export interface ChurningAccount extends ReviewAccount {
  score: number;
}

export interface MoveRow extends NetMove {
  name: string | null;
  accountManager: string | null;
  /** the tier on the customer's card now */
  cardTier: string | null;
  explanation: string;
}

export interface ReviewFindings {
  /** customers whose card shows active churn signals now (churn-watch's state), highest score first */
  churning: ChurningAccount[];
  /** top accounts whose current window fell by at least the decline threshold */
  declining: Array<{ customerId: string; name: string | null; accountManager: string | null; tier: string | null; growth: number; currentRevenueMinor: number | null }>;
  /** one row per customer whose tier moved over the period (net), with name, manager and why */
  moves: MoveRow[];
  movements: { upgrades: number; downgrades: number; firstClassifications: number; events: number; byPath: Array<{ path: string; count: number }> };
  lostKeyAccounts: MoveRow[];
  newKeyAccounts: MoveRow[];
}

const pathOf = (m: NetMove) => `${m.fromTier ?? 'new'}→${m.toTier}`;

/**
 * The review's questions, answered from its data: are key customers churning (from the same
 * churn state as the cards), is their value declining, how did tiers move (one net move per
 * customer per period, with names, account managers and the reason in words). Pure.
 */
export function analyseReview(data: ReviewData, declineThreshold = -0.2): ReviewFindings {
  const account = (id: string) => data.accounts[id];
  const churning = Object.values(data.accounts)
    .filter((a) => a.risks.length > 0)
    .map((a) => ({ ...a, score: a.churnScore ?? 0 }))
    .sort((a, b) => b.score - a.score || (a.customerId < b.customerId ? -1 : 1));
  const declining = data.top
    .filter((t) => (t.tier === 'A' || t.tier === 'B') && t.growth !== null && t.growth <= declineThreshold)
    .map((t) => ({ customerId: t.customerId, name: t.name, accountManager: account(t.customerId)?.accountManager ?? null, tier: t.tier, growth: t.growth as number, currentRevenueMinor: t.currentRevenueMinor }))
    .sort((a, b) => a.growth - b.growth);
  const moves: MoveRow[] = netMoves(data.tierChanges, data.scope).map((m) => {
    const a = account(m.customerId);
    return { ...m, name: a?.name ?? null, accountManager: a?.accountManager ?? null, cardTier: a?.tier ?? null, explanation: explainTierChange(m.last, data.basis, data.currency, a?.name ?? null) };
  });
  const paths = new Map<string, number>();
  for (const m of moves) paths.set(pathOf(m), (paths.get(pathOf(m)) ?? 0) + 1);
  return {
    churning,
    declining,
    moves,
    movements: {
      upgrades: moves.filter((m) => m.kind === 'upgrade').length,
      downgrades: moves.filter((m) => m.kind === 'downgrade').length,
      firstClassifications: moves.filter((m) => m.kind === 'first-classification').length,
      events: data.tierChanges.filter((c) => c.scope === data.scope).length,
      byPath: [...paths.entries()].map(([path, count]) => ({ path, count })).sort((a, b) => b.count - a.count || (a.path < b.path ? -1 : 1)),
    },
    lostKeyAccounts: moves.filter((m) => m.fromTier === 'A' && m.toTier !== 'A'),
    newKeyAccounts: moves.filter((m) => m.toTier === 'A' && m.fromTier !== 'A'),
  };
}
