import type { TierHistoryEntry } from './dashboard-data';
import type { Tier } from '@tierflow/contracts/tier';

/** One customer's place in a scope, as the ranker keeps it. */
export interface RankPosition {
  customerId: string;
  /** 1-based */
  rank: number;
  tier: Tier;
  /** the exact tier without hysteresis */
  rawTier: Tier;
  basisMinor: number;
  /** cumulative basis of the customers ranked before it over the scope total */
  cumulativeShareBefore: number | null;
  /** the same including this customer's own basis (what a table's "cum. share" column shows) */
  cumulativeShare: number | null;
}

export interface ScopeFigures {
  scope: string;
  population: number;
  totalBasisMinor: number;
  counts: Record<Tier, number>;
  basis: Record<Tier, number>;
  boundaryBasisA: number | null;
  boundaryBasisB: number | null;
  thresholdA: number | null;
  thresholdB: number | null;
  top20Share: number | null;
  tierMode: string | null;
  hysteresisMargin: number | null;
  asOf: number | null;
}

/**
 * What the dashboard needs from the ranker's Redis state (docs/contracts.md, "ranker"). The
 * implementation (ranker-view.ts) uses the ranker's own reader functions, so a change of the
 * ranker's layout shows up as a type error or a failing test here, not as silently wrong figures.
 */
export interface RankView {
  scopes(): Promise<string[]>;
  /** the ranker's RANKING_BASIS as stored in its meta (null before the ranker first started) */
  basis(): Promise<string | null>;
  figures(scope: string): Promise<ScopeFigures | null>;
  top(scope: string, limit: number): Promise<RankPosition[]>;
  position(scope: string, customerId: string): Promise<RankPosition | null>;
  history(scope: string, customerId: string, limit: number): Promise<TierHistoryEntry[]>;
  /** basis values of the scope, largest first, for the Lorenz curve (at most `max`, evenly sampled by rank) */
  lorenz(scope: string, points: number): Promise<Array<[number, number]>>;
  gini(scope: string): Promise<number | null>;
}
