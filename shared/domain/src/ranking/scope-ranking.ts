import { BoundaryTracker, RankCursor, RankIndex } from './index/rank-index';
import type { Slot } from './customer-table';
import { thresholdSet, type TierRules } from './tier-rules';
import type { ScopeSummary } from '@tierflow/contracts/keyspace/ranker/scope-summary';

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
  /** per threshold, its boundary followed through the index's edits (made on first use) */
  private readonly trackers: Array<BoundaryTracker | undefined> = [];
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

  /**
   * Boundary count of threshold j (of thresholdSet): how many leading customers are inside it.
   * Leaves in cursors[j] the entry at rank (count - 1) when it knows it.
   */
  boundOf(j: number): number {
    const idx = this.index;
    const cursor = this.cursors[j] as RankCursor;
    cursor.rank = -1;
    const x = this.thresholds[j] as number;
    let k: number;
    if (this.rules.mode === 'count') k = Math.max(0, Math.round(x * idx.size));
    else {
      const target = x * idx.total;
      // the trackers follow x * total in (0, total]; the rest is 0 or everyone
      if (!(target > 0)) k = 0;
      else if (target > idx.total) k = idx.size;
      else k = this.tracker(j).count(target, cursor);
    }
    return Math.min(k, this.positives);
  }

  private tracker(j: number): BoundaryTracker {
    let tr = this.trackers[j];
    if (!tr) {
      tr = this.index.trackBoundary();
      this.trackers[j] = tr;
    }
    return tr;
  }

  /** Recomputes the boundary counts into `out` (defaults to this.bounds). */
  computeBounds(out: Float64Array = this.bounds): Float64Array {
    if (this.rules.margin > 0) {
      for (let j = 0; j < 6; j++) out[j] = this.boundOf(j);
    } else {
      const a = this.boundOf(0);
      const b = this.boundOf(1);
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
