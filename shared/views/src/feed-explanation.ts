import { basisInfo, type BasisInfo } from '@tierflow/domain/explain/basis-label';
import { explainChurnRisk, type ChurnRiskFacts } from '@tierflow/domain/explain/risk-explanation';
import { explainTierChange, type TierChangeFacts } from '@tierflow/domain/explain/tier-explanation';
import type { FeedItem } from './feed-item';

/** Builds a feed item's sentence from its decoded record (the explain module does the words). */
export type FeedExplainer = (type: FeedItem['type'], event: Record<string, unknown>, name: string | null) => string | null;

/**
 * The feed's sentences: a tier change says what happened and why (rank, share, threshold,
 * boundary), a churn risk says the measured values against their thresholds. `basis` is read
 * again at most every refreshMs (the ranker's RANKING_BASIS, from its meta).
 */
export function createFeedExplainer(p: { basis: () => Promise<string | null>; currency: string; rankingWindowDays: number; refreshMs?: number }): FeedExplainer {
  let info: BasisInfo = basisInfo(null, p.rankingWindowDays);
  let readAt = 0;
  const refresh = () => {
    if (Date.now() - readAt < (p.refreshMs ?? 30_000)) return;
    readAt = Date.now();
    p.basis().then((b) => { info = basisInfo(b, p.rankingWindowDays); }, () => { readAt = 0; });
  };
  refresh();
  return (type, event, name) => {
    refresh();
    try {
      return type === 'tier-change'
        ? explainTierChange(event as unknown as TierChangeFacts, info, p.currency, name)
        : explainChurnRisk(event as unknown as ChurnRiskFacts, p.currency, name);
    } catch {
      return null;
    }
  };
}
