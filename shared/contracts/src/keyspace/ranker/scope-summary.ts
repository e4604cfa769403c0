/**
 * The summary the ranker stores for each scope (rankKeys(prefix).summary(scope), a hash).
 * Written only by services/ranker (from the engine's ScopeRanking.summary()); read by the
 * dashboard and the CLI through rank-store-reader.ts. Pure.
 */
/** Population figures of one scope, as the store writes them for the API. */
export interface ScopeSummary {
  scope: string;
  population: number;
  positive: number;
  totalBasisMinor: number;
  countA: number;
  countB: number;
  countC: number;
  basisA: number;
  basisB: number;
  basisC: number;
  publishedCountA: number;
  publishedCountB: number;
  boundaryBasisA: number | null;
  boundaryBasisB: number | null;
  top20Count: number;
  top20Share: number;
}
