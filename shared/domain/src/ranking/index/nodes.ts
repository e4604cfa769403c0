/**
 * The B+tree's storage (see rank-index.ts): every node lives in one of two arenas of typed
 * arrays indexed by node id, so a descent reads a few contiguous arrays instead of chasing
 * JS objects and their typed-array views. Also the index's cursor type. Pure.
 */

import { idOrderOf, type IdOrder } from './order';

export { RankIndexError } from './index-error';

/** No node (an absent link). */
export const NIL = -1;

/**
 * A remembered position: a boundary tracker (rank-index-bounds.ts) leaves here the entry at rank
 * (count - 1), so a walk from that rank needs no descent. Valid only until the index changes.
 */
export class RankCursor {
  /** leaf id, or NIL */
  leaf = NIL;
  pos = 0;
  rank = -1;
  version = -1;
}

/**
 * Told of every leaf edit, so it can keep a position (a tracked tier boundary) valid without
 * searching again. Ranks are 0-based, `w` is the entry's weight.
 */
export interface LeafEditListener {
  inserted(leaf: number, pos: number, rank: number, w: number): void;
  removed(leaf: number, pos: number, rank: number, w: number): void;
  /** entries from `half` on moved to the start of `right` */
  split(leaf: number, right: number, half: number): void;
  /** `sibling`'s entries were appended to `leaf` at `offset` */
  merged(leaf: number, sibling: number, offset: number): void;
  /** the empty `leaf` was unlinked from between prev and next (either may be NIL) */
  freed(leaf: number, prev: number, next: number): void;
  /** the whole content was replaced */
  reset(): void;
}

/** The weight an entry adds to prefix sums: its basis when positive, else 0. */
export const weight = (b: number) => (b > 0 ? b : 0);

/**
 * How many entries lie before child i of an inner node whose children (counts at
 * cnt[base .. base+n-1]) hold `sub` entries in all: sums the shorter side of the counts.
 */
export function countBefore(cnt: Float64Array, base: number, n: number, i: number, sub: number): number {
  let left = 0;
  if (i + i < n) {
    for (let j = base; j < base + i; j++) left += cnt[j] as number;
    return left;
  }
  let right = 0;
  for (let j = base + i; j < base + n; j++) right += cnt[j] as number;
  return sub - right;
}

/**
 * All nodes of one tree. Leaf `l` holds its entries (basis desc, then customerId asc) at
 * basis/keys/hs[l * leafCap ...], `n` of them (keys: the handles' IdOrder keys, so ties on basis
 * rarely need the strings), linked to its neighbours by next/prev. Inner node `i`
 * holds its children at kid[i * fanout ...] with each child's entry count and weight sum, and
 * separators: sepB/sepK/sepH[j] (j >= 1) is a lower bound of child j's keys and above every key of
 * child j - 1. The tree has `height` inner levels above the leaves (0: the root is a leaf).
 */
export class RankTree {
  // leaves
  basis: Float64Array;
  keys: Float64Array;
  hs: Int32Array;
  leafN: Int32Array;
  next: Int32Array;
  prev: Int32Array;
  // inner nodes
  kid: Int32Array;
  cnt: Float64Array;
  sum: Float64Array;
  sepB: Float64Array;
  sepK: Float64Array;
  sepH: Int32Array;
  innerN: Int32Array;
  /** the IdOrder epoch the keys in the nodes were taken at */
  keyEpoch: number;
  readonly order: IdOrder;

  root = 0;
  height = 0;
  head = 0;
  count = 0;
  totalWeight = 0;
  /** bumped by every change, so a RankCursor can tell it is stale */
  version = 0;
  /** told of every leaf edit (tracked boundaries) */
  readonly listeners: LeafEditListener[] = [];

  private leafTop = 0;
  private innerTop = 0;
  private readonly freeLeaves: number[] = [];
  private readonly freeInners: number[] = [];

  constructor(
    readonly ids: readonly string[],
    readonly leafCap: number,
    readonly fanout: number,
  ) {
    this.order = idOrderOf(ids);
    this.keyEpoch = this.order.epoch;
    this.basis = new Float64Array(0);
    this.keys = new Float64Array(0);
    this.hs = new Int32Array(0);
    this.leafN = new Int32Array(0);
    this.next = new Int32Array(0);
    this.prev = new Int32Array(0);
    this.kid = new Int32Array(0);
    this.cnt = new Float64Array(0);
    this.sum = new Float64Array(0);
    this.sepB = new Float64Array(0);
    this.sepK = new Float64Array(0);
    this.sepH = new Int32Array(0);
    this.innerN = new Int32Array(0);
    this.clear(16, 4);
  }

  /** Empties the tree (one empty leaf as the root), with room for the given node counts. */
  clear(leaves: number, inners: number): void {
    this.leafTop = 0;
    this.innerTop = 0;
    this.freeLeaves.length = 0;
    this.freeInners.length = 0;
    this.growLeaves(Math.max(1, leaves), false);
    this.growInners(Math.max(1, inners), false);
    this.count = 0;
    this.totalWeight = 0;
    this.height = 0;
    this.version++;
    this.keyEpoch = this.order.epoch;
    this.root = this.head = this.allocLeaf();
    for (const l of this.listeners) l.reset();
  }

  /** true when (b1,k1,h1) sorts before (b2,k2,h2): basis descending, then customerId ascending. */
  before(b1: number, k1: number, h1: number, b2: number, k2: number, h2: number): boolean {
    if (b1 !== b2) return b1 > b2;
    return this.tieBefore(k1, h1, k2, h2);
  }

  /** For equal basis: true when the customerId of h1 (key k1) sorts before that of h2. */
  tieBefore(k1: number, h1: number, k2: number, h2: number): boolean {
    if (k1 !== k2) return k1 < k2;
    if (h1 === h2) return false;
    return (this.ids[h1] as string) < (this.ids[h2] as string);
  }

  /** The key of handle h, after rewriting the nodes' keys if the IdOrder repacked them. */
  keyFor(h: number): number {
    const k = this.order.keyOf(h);
    if (this.keyEpoch === this.order.epoch) return k;
    this.rekey();
    return this.order.keyOf(h);
  }

  /** Makes the nodes' keys current (before a search for an entry already in the tree). */
  syncKeys(): void {
    if (this.keyEpoch !== this.order.epoch) this.rekey();
  }

  private rekey(): void {
    const order = this.order;
    const cap = this.leafCap;
    for (let l = this.head; l !== NIL; l = this.next[l] as number) {
      for (let j = l * cap; j < l * cap + (this.leafN[l] as number); j++) this.keys[j] = order.keyOf(this.hs[j] as number);
    }
    const visit = (node: number, height: number) => {
      if (height === 0) return;
      for (let j = node * this.fanout; j < node * this.fanout + (this.innerN[node] as number); j++) {
        this.sepK[j] = order.keyOf(this.sepH[j] as number);
        visit(this.kid[j] as number, height - 1);
      }
    };
    visit(this.root, this.height);
    this.keyEpoch = order.epoch;
  }

  /**
   * The child of inner node `node` whose key range holds (b, h): a binary search of the
   * separators. h's key is read only on a basis tie (one cache miss saved otherwise).
   */
  route(node: number, b: number, h: number): number {
    const base = node * this.fanout;
    const sepB = this.sepB;
    let lo = 1;
    let hi = (this.innerN[node] as number) - 1;
    let ans = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const sb = sepB[base + mid] as number;
      if (b > sb || (b === sb && this.tieBefore(this.order.keyOf(h), h, this.sepK[base + mid] as number, this.sepH[base + mid] as number))) {
        hi = mid - 1;
      }
      else {
        ans = mid;
        lo = mid + 1;
      }
    }
    return ans;
  }

  /** Number of entries of leaf `leaf` that sort before (b, h). */
  leafPos(leaf: number, b: number, h: number): number {
    const base = leaf * this.leafCap;
    const basis = this.basis;
    let lo = 0;
    let hi = this.leafN[leaf] as number;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const eb = basis[base + mid] as number;
      if (eb > b || (eb === b && this.tieBefore(this.keys[base + mid] as number, this.hs[base + mid] as number, this.order.keyOf(h), h))) {
        lo = mid + 1;
      }
      else hi = mid;
    }
    return lo;
  }

  /** A new empty, unlinked leaf. May replace the leaf arrays: re-read them after a call. */
  allocLeaf(): number {
    let l = this.freeLeaves.pop();
    if (l === undefined) {
      if (this.leafTop === this.leafN.length) this.growLeaves(this.leafTop * 2, true);
      l = this.leafTop++;
    }
    this.leafN[l] = 0;
    this.next[l] = NIL;
    this.prev[l] = NIL;
    return l;
  }

  freeLeaf(l: number): void {
    this.leafN[l] = 0;
    this.freeLeaves.push(l);
  }

  /** A new empty inner node. May replace the inner arrays: re-read them after a call. */
  allocInner(): number {
    let i = this.freeInners.pop();
    if (i === undefined) {
      if (this.innerTop === this.innerN.length) this.growInners(this.innerTop * 2, true);
      i = this.innerTop++;
    }
    this.innerN[i] = 0;
    return i;
  }

  freeInner(i: number): void {
    this.innerN[i] = 0;
    this.freeInners.push(i);
  }

  private growLeaves(capacity: number, keep: boolean): void {
    const c = this.leafCap;
    const f64 = (a: Float64Array, n: number) => copy(new Float64Array(n), a, keep);
    const i32 = (a: Int32Array, n: number) => copy(new Int32Array(n), a, keep);
    this.basis = f64(this.basis, capacity * c);
    this.keys = f64(this.keys, capacity * c);
    this.hs = i32(this.hs, capacity * c);
    this.leafN = i32(this.leafN, capacity);
    this.next = i32(this.next, capacity);
    this.prev = i32(this.prev, capacity);
  }

  private growInners(capacity: number, keep: boolean): void {
    const f = this.fanout;
    const f64 = (a: Float64Array, n: number) => copy(new Float64Array(n), a, keep);
    const i32 = (a: Int32Array, n: number) => copy(new Int32Array(n), a, keep);
    this.kid = i32(this.kid, capacity * f);
    this.cnt = f64(this.cnt, capacity * f);
    this.sum = f64(this.sum, capacity * f);
    this.sepB = f64(this.sepB, capacity * f);
    this.sepK = f64(this.sepK, capacity * f);
    this.sepH = i32(this.sepH, capacity * f);
    this.innerN = i32(this.innerN, capacity);
  }
}

function copy<T extends Float64Array | Int32Array>(to: T, from: T, keep: boolean): T {
  if (keep) to.set(from.subarray(0, Math.min(from.length, to.length)) as never);
  return to;
}
