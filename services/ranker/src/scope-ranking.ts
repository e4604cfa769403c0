import { RankCursor, RankIndex } from './rank-index';
import type { Slot } from './customer-table';
import { thresholdSet, type TierRules } from './tier-rules';

export const GLOBAL_SCOPE = 'global';
export const UNASSIGNED_REGION = 'unassigned';
export const regionScopeName = (region: string) => `region:${region}`;

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

/**
 * One ranking scope (global, or one region): its rank index, the number of customers with a
 * positive basis, and the boundary counts for the six thresholds of tier-rules (exact A and B,
 * then the strict and lenient pairs of the hysteresis band).
 */
export class ScopeRanking {
  readonly index: RankIndex;
  positives = 0;
  readonly bounds = new Float64Array(6);
  /** where each boundary search ended (the entry at rank bound - 1), for the candidate walk */
  readonly cursors = Array.from({ length: 6 }, () => new RankCursor());
  /** published A and B counts */
  readonly publishedCount = new Float64Array(2);
  /** customers whose published tier waits for the minimum dwell: handle -> unlock time */
  readonly pending = new Map<number, number>();
  /** position in the engine's scope list */
  ordinal = -1;
  private readonly thresholds: Float64Array;

  constructor(
    readonly name: string,
    readonly slot: Slot,
    ids: readonly string[],
    private readonly rules: TierRules,
    indexShape: { leafCapacity?: number; fanout?: number } = {},
  ) {
    this.index = new RankIndex({ ids, ...indexShape });
    this.thresholds = thresholdSet(rules);
  }

  /** Boundary count of threshold x: how many leading customers are inside it. */
  boundOf(x: number, cursor?: RankCursor): number {
    const idx = this.index;
    if (cursor) cursor.rank = -1;
    const k = this.rules.mode === 'share' ? idx.countPrefixBelow(x * idx.total, cursor) : Math.max(0, Math.round(x * idx.size));
    return Math.min(k, this.positives);
  }

  /** Recomputes the boundary counts into `out` (defaults to this.bounds). */
  computeBounds(out: Float64Array = this.bounds): Float64Array {
    if (this.rules.margin > 0) {
      for (let j = 0; j < 6; j++) out[j] = this.boundOf(this.thresholds[j] as number, this.cursors[j]);
    } else {
      const a = this.boundOf(this.thresholds[0] as number, this.cursors[0]);
      const b = this.boundOf(this.thresholds[1] as number, this.cursors[1]);
      out[0] = out[2] = out[4] = a;
      out[1] = out[3] = out[5] = b;
    }
    return out;
  }

  /** Inserts a member; returns its 0-based rank. */
  insert(h: number, basis: number): number {
    if (basis > 0) this.positives++;
    return this.index.insert(h, basis);
  }

  remove(h: number, basis: number): void {
    this.index.remove(h, basis);
    if (basis > 0) this.positives--;
  }

  summary(): ScopeSummary {
    const idx = this.index;
    const [kA, kB] = [this.bounds[0] as number, this.bounds[1] as number];
    const sA = idx.prefixSum(kA);
    const sB = idx.prefixSum(kB);
    const top20Count = Math.round(0.2 * idx.size);
    const total = idx.total;
    return {
      scope: this.name,
      population: idx.size,
      positive: this.positives,
      totalBasisMinor: total,
      countA: kA,
      countB: kB - kA,
      countC: idx.size - kB,
      basisA: sA,
      basisB: sB - sA,
      basisC: total - sB,
      publishedCountA: this.publishedCount[0] as number,
      publishedCountB: this.publishedCount[1] as number,
      boundaryBasisA: kA > 0 ? idx.basisAt(kA - 1) : null,
      boundaryBasisB: kB > 0 ? idx.basisAt(kB - 1) : null,
      top20Count,
      top20Share: total > 0 ? idx.prefixSum(top20Count) / total : 0,
    };
  }
}
