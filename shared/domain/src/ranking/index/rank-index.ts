/**
 * An order-statistic B+tree over customers, ordered by basis descending then customerId
 * ascending (UTF-16 code-unit order), with a count and a sum of weights per child.
 * The weight of an entry is max(basis, 0), so prefix sums are non-decreasing along the order.
 *
 * Every operation is iterative and costs O(log N): insert, remove, rank and prefix sum of an
 * entry, the k-th entry, and "how many leading entries have a prefix sum below x" (the tier
 * boundary search). Nodes live in typed-array arenas (rank-index-nodes.ts); leaves are linked,
 * so a run of consecutive ranks is read with one descent and a walk. Entries are customer
 * handles (small integers); the caller owns the handle -> customerId table and passes the
 * current basis when it removes or locates. Pure: no I/O.
 */

import { BoundaryTracker } from './bounds';
import { checkInvariants, loadSorted } from './bulk';
import { RankTreeEditor } from './edit';
import { NIL, RankCursor, RankIndexError, RankTree, countBefore, weight } from './nodes';

export { BoundaryTracker, RankCursor, RankIndexError };

export class RankIndex {
  private readonly t: RankTree;
  private readonly editor: RankTreeEditor;
  private lastRank = 0;
  private seekLeaf = NIL;
  private seekPos = 0;

  constructor(params: { ids: readonly string[]; leafCapacity?: number; fanout?: number }) {
    const leafCap = params.leafCapacity ?? 64;
    const fanout = params.fanout ?? 64;
    if (leafCap < 4 || fanout < 4) throw new RankIndexError('BAD_INPUT', 'leafCapacity and fanout must be >= 4');
    this.t = new RankTree(params.ids, leafCap, fanout);
    this.editor = new RankTreeEditor(this.t);
  }

  get size(): number {
    return this.t.count;
  }

  /** Sum of max(basis, 0) over all entries. */
  get total(): number {
    return this.t.totalWeight;
  }

  /** Sum of weights before the entry found by the last rankOf call (valid until the index changes). */
  get lastSumBefore(): number {
    return this.prefixSum(this.lastRank);
  }

  /** Inserts (h, b); returns its 0-based rank. */
  insert(h: number, b: number): number {
    return this.editor.insert(h, b);
  }

  remove(h: number, b: number): void {
    this.editor.remove(h, b);
  }

  /** 0-based rank of (h, b). */
  rankOf(h: number, b: number): number {
    const t = this.t;
    const F = t.fanout;
    const cnt = t.cnt;
    t.syncKeys();
    let node = t.root;
    let rank = 0;
    let sub = t.count;
    for (let d = t.height; d > 0; d--) {
      const i = t.route(node, b, h);
      const base = node * F;
      const n = t.innerN[node] as number;
      rank += countBefore(cnt, base, n, i, sub);
      sub = cnt[base + i] as number;
      node = t.kid[base + i] as number;
    }
    const pos = t.leafPos(node, b, h);
    if (pos >= (t.leafN[node] as number) || t.hs[node * t.leafCap + pos] !== h) {
      throw new RankIndexError('NOT_FOUND', `handle ${h} with basis ${b} is not in the index`);
    }
    this.lastRank = rank + pos;
    return rank + pos;
  }

  /** Sum of the weights of the first k entries (k clamped to [0, size]). */
  prefixSum(k: number): number {
    const t = this.t;
    if (k <= 0) return 0;
    if (k >= t.count) return t.totalWeight;
    const F = t.fanout;
    let node = t.root;
    let left = k;
    let sum = 0;
    for (let d = t.height; d > 0; d--) {
      const base = node * F;
      const last = base + (t.innerN[node] as number) - 1;
      let j = base;
      while (left >= (t.cnt[j] as number) && j < last) {
        left -= t.cnt[j] as number;
        sum += t.sum[j] as number;
        j++;
      }
      node = t.kid[j] as number;
    }
    const base = node * t.leafCap;
    for (let j = 0; j < left; j++) sum += weight(t.basis[base + j] as number);
    return sum;
  }

  /**
   * How many leading entries have a prefix sum (weight of the entries before them) below x:
   * the smallest k with prefixSum(k) >= x, or size when the total is below x.
   */
  countPrefixBelow(x: number): number {
    const t = this.t;
    if (!(x > 0)) return 0;
    if (t.totalWeight < x) return t.count;
    const F = t.fanout;
    const sum = t.sum;
    const cnt = t.cnt;
    let node = t.root;
    let acc = 0;
    let rank = 0;
    for (let d = t.height; d > 0; d--) {
      const base = node * F;
      const last = base + (t.innerN[node] as number) - 1;
      let j = base;
      while (j < last && acc + (sum[j] as number) < x) {
        acc += sum[j] as number;
        rank += cnt[j] as number;
        j++;
      }
      node = t.kid[j] as number;
    }
    const base = node * t.leafCap;
    const n = t.leafN[node] as number;
    const basis = t.basis;
    for (let j = 0; j < n; j++) {
      acc += weight(basis[base + j] as number);
      if (acc >= x) return rank + j + 1;
    }
    return rank + n;
  }

  /**
   * A tier boundary followed through every later edit (rank-index-bounds.ts): its count() gives
   * countPrefixBelow(x) after a short walk from the last position instead of a descent.
   */
  trackBoundary(): BoundaryTracker {
    const tracker = new BoundaryTracker(
      this.t,
      (x) => this.countPrefixBelow(x),
      (k) => this.prefixSum(k),
      (r, at) => {
        this.seek(r);
        at.leaf = this.seekLeaf;
        at.pos = this.seekPos;
      },
    );
    this.t.listeners.push(tracker);
    return tracker;
  }

  /** Finds the leaf and offset of rank r (into seekLeaf / seekPos, to allocate nothing). */
  private seek(r: number): void {
    const t = this.t;
    if (!(r >= 0 && r < t.count)) throw new RankIndexError('OUT_OF_RANGE', `rank ${r} outside [0, ${t.count})`);
    const F = t.fanout;
    let node = t.root;
    let left = r;
    for (let d = t.height; d > 0; d--) {
      const base = node * F;
      const last = base + (t.innerN[node] as number) - 1;
      let j = base;
      while (left >= (t.cnt[j] as number) && j < last) {
        left -= t.cnt[j] as number;
        j++;
      }
      node = t.kid[j] as number;
    }
    this.seekLeaf = node;
    this.seekPos = left;
  }

  /** The handle at 0-based rank r. */
  handleAt(r: number): number {
    this.seek(r);
    return this.t.hs[this.seekLeaf * this.t.leafCap + this.seekPos] as number;
  }

  /** The basis at 0-based rank r. */
  basisAt(r: number): number {
    this.seek(r);
    return this.t.basis[this.seekLeaf * this.t.leafCap + this.seekPos] as number;
  }

  /**
   * Calls fn(handle, basis, rank) for ranks from..from+n-1 (clipped to the index); starts at
   * the cursor without a descent when it still points at rank `from`.
   */
  forRange(from: number, n: number, fn: (h: number, b: number, rank: number) => void, cursor?: RankCursor): void {
    const t = this.t;
    const start = Math.max(0, from);
    const end = Math.min(t.count, from + n);
    if (start >= end) return;
    let leaf: number;
    let pos: number;
    if (cursor && cursor.rank === start && cursor.version === t.version && cursor.leaf !== NIL) {
      leaf = cursor.leaf;
      pos = cursor.pos;
    } else {
      this.seek(start);
      leaf = this.seekLeaf;
      pos = this.seekPos;
    }
    const cap = t.leafCap;
    for (let r = start; r < end; r++) {
      while (pos >= (t.leafN[leaf] as number)) {
        leaf = t.next[leaf] as number;
        pos = 0;
      }
      fn(t.hs[leaf * cap + pos] as number, t.basis[leaf * cap + pos] as number, r);
      pos++;
    }
  }

  /**
   * Replaces the content with entries already in index order (as a sorted set returns them):
   * O(N), no comparisons beyond an order check. Leaves are filled to 3/4.
   */
  loadSorted(handles: ArrayLike<number>, basis: ArrayLike<number>, n: number): void {
    loadSorted(this.t, handles, basis, n);
  }

  /** Checks every structural invariant (for tests): counts, sums, separators, order, links. */
  checkInvariants(): void {
    checkInvariants(this.t);
  }
}
