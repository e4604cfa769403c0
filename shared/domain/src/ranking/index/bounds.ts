/**
 * A tier boundary of the B+tree of rank-index.ts, followed through edits instead of searched
 * for after each one: the boundary of a share x is the smallest count k of leading entries
 * whose weight sum reaches x * total (countPrefixBelow's definition, the same integer sums).
 *
 * The tracker keeps k, the sum S of the first k entries, and a cursor on the entry at rank k
 * (the first one outside; it may sit at the end of a leaf, which means the next leaf's first).
 * Every edit tells it where it happened: an entry added or removed before rank k moves k and
 * S by one entry, and leaf shifts, splits, merges and frees move the cursor with its entry. When
 * asked, it walks the cursor over the few entries the boundary moved by (one update moves a
 * boundary by 0.03 entries on average in the bench's stream) instead of descending from the
 * root. A long walk (more than MAX_WALK entries) or an unknown state falls back to a descent.
 * Pure.
 */

import { NIL, RankCursor, type LeafEditListener, type RankTree, weight } from './nodes';

const MAX_WALK = 64;

export class BoundaryTracker implements LeafEditListener {
  private valid = false;
  private k = 0;
  private s = 0;
  private leaf = NIL;
  private pos = 0;
  /** scratch for locate() */
  private readonly at = new RankCursor();

  constructor(
    private readonly t: RankTree,
    /** descends for the count (and leaves nothing else behind): countPrefixBelow */
    private readonly search: (x: number) => number,
    /** the prefix sum of the first k entries */
    private readonly prefixSum: (k: number) => number,
    /** the leaf and offset of rank r, written into `at` */
    private readonly locate: (r: number, at: RankCursor) => void,
  ) {}

  /**
   * The boundary count for x (> 0, at most the total weight), and the entry at rank (count - 1)
   * in `before` (rank -1 when the count is 0).
   */
  count(x: number, before: RankCursor): number {
    const t = this.t;
    if (!this.valid || !this.walk(x)) this.restart(x);
    this.cursorBefore(before);
    before.version = t.version;
    return this.k;
  }

  /** Forgets the position (the next count() descends). */
  reset(): void {
    this.valid = false;
  }

  inserted(leaf: number, pos: number, rank: number, w: number): void {
    if (!this.valid) return;
    if (rank < this.k) {
      this.k++;
      this.s += w;
      if (leaf === this.leaf && this.pos >= pos) this.pos++;
    } else if (rank === this.k) {
      // the new entry is now the first outside (the end of one leaf and the start of the
      // next were the same position before; the insert told them apart)
      this.leaf = leaf;
      this.pos = pos;
    } else if (leaf === this.leaf && this.pos > pos) this.pos++;
  }

  removed(leaf: number, pos: number, rank: number, w: number): void {
    if (!this.valid) return;
    if (rank < this.k) {
      this.k--;
      this.s -= w;
    }
    // the entry at the cursor removed (rank === k): its successor takes its place
    if (leaf === this.leaf && this.pos > pos) this.pos--;
  }

  split(leaf: number, right: number, half: number): void {
    if (this.valid && leaf === this.leaf && this.pos >= half) {
      this.leaf = right;
      this.pos -= half;
    }
  }

  merged(leaf: number, sibling: number, offset: number): void {
    if (this.valid && sibling === this.leaf) {
      this.leaf = leaf;
      this.pos += offset;
    }
  }

  /** An emptied leaf left the chain (it held nothing, so the cursor was at its end). */
  freed(leaf: number, prev: number, next: number): void {
    if (!this.valid || leaf !== this.leaf) return;
    if (next !== NIL) {
      this.leaf = next;
      this.pos = 0;
    } else if (prev !== NIL) {
      this.leaf = prev;
      this.pos = this.t.leafN[prev] as number;
    } else this.valid = false;
  }

  /** Moves the boundary to x by walking from where it was; false when too far. */
  private walk(x: number): boolean {
    const t = this.t;
    const cap = t.leafCap;
    const basis = t.basis;
    let { k, s, leaf, pos } = this;
    let steps = 0;
    // forward over entries while the sum is below x
    while (s < x && k < t.count) {
      while (pos >= (t.leafN[leaf] as number)) {
        leaf = t.next[leaf] as number;
        pos = 0;
      }
      s += weight(basis[leaf * cap + pos] as number);
      k++;
      pos++;
      if (++steps > MAX_WALK) return false;
    }
    // backward while the sum without the last entry still reaches x
    while (k > 0) {
      while (pos === 0) {
        leaf = t.prev[leaf] as number;
        pos = t.leafN[leaf] as number;
      }
      const w = weight(basis[leaf * cap + pos - 1] as number);
      if (!(s - w >= x)) break;
      s -= w;
      k--;
      pos--;
      if (++steps > MAX_WALK) return false;
    }
    this.k = k;
    this.s = s;
    this.leaf = leaf;
    this.pos = pos;
    return true;
  }

  private restart(x: number): void {
    const t = this.t;
    const k = this.search(x);
    this.k = k;
    this.s = this.prefixSum(k);
    if (k < t.count) {
      this.locate(k, this.at);
      this.leaf = this.at.leaf;
      this.pos = this.at.pos;
    } else if (k > 0) {
      // past the last entry: the end of the last leaf
      this.locate(k - 1, this.at);
      this.leaf = this.at.leaf;
      this.pos = this.at.pos + 1;
    } else {
      this.leaf = t.head;
      this.pos = 0;
    }
    this.valid = true;
  }

  private cursorBefore(out: RankCursor): void {
    if (this.k === 0) {
      out.rank = -1;
      out.leaf = NIL;
      return;
    }
    const t = this.t;
    let leaf = this.leaf;
    let pos = this.pos;
    while (pos === 0) {
      leaf = t.prev[leaf] as number;
      pos = t.leafN[leaf] as number;
    }
    out.leaf = leaf;
    out.pos = pos - 1;
    out.rank = this.k - 1;
  }
}
