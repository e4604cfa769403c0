/**
 * Insert and remove on the B+tree of rank-index.ts, with the rebalancing they need: leaf and
 * inner splits upwards, removal of emptied nodes, merging of a thinned leaf with its right
 * sibling, and root collapse. Each is one iterative descent that records its path. Pure.
 */

import { NIL, RankIndexError, RankTree, countBefore, weight } from './nodes';

const MAX_DEPTH = 48;

export class RankTreeEditor {
  private readonly pathNode = new Int32Array(MAX_DEPTH);
  private readonly pathIdx = new Int32Array(MAX_DEPTH);
  /** the last removed entry's handle and tie-break key (and the key epoch it belongs to) */
  private removedH = -1;
  private removedK = 0;
  private removedEpoch = -1;

  constructor(private readonly t: RankTree) {}

  /** Inserts (h, b); returns its 0-based rank. */
  insert(h: number, b: number): number {
    if (!Number.isFinite(b)) throw new RankIndexError('BAD_INPUT', `basis must be finite, got ${b}`);
    const t = this.t;
    // a move removes the entry first: its key is still at hand (saves a cache miss)
    const k = h === this.removedH && this.removedEpoch === t.order.epoch ? this.removedK : t.keyFor(h);
    const w = weight(b);
    const F = t.fanout;
    const cnt = t.cnt;
    const sum = t.sum;
    const kid = t.kid;
    let node = t.root;
    let rank = 0;
    let sub = t.count;
    const depth = t.height;
    for (let d = 0; d < depth; d++) {
      const i = t.route(node, b, h);
      const base = node * F;
      const n = t.innerN[node] as number;
      rank += countBefore(cnt, base, n, i, sub);
      sub = cnt[base + i] as number;
      cnt[base + i] = sub + 1;
      sum[base + i] = (sum[base + i] as number) + w;
      this.pathNode[d] = node;
      this.pathIdx[d] = i;
      node = kid[base + i] as number;
    }
    const leaf = node;
    const pos = t.leafPos(leaf, b, h);
    const base = leaf * t.leafCap;
    const n = t.leafN[leaf] as number;
    const basis = t.basis;
    const keys = t.keys;
    const hs = t.hs;
    if (pos < n && hs[base + pos] === h && basis[base + pos] === b) {
      // undo the counts added on the way down
      for (let d = 0; d < depth; d++) {
        const at = (this.pathNode[d] as number) * F + (this.pathIdx[d] as number);
        cnt[at] = (cnt[at] as number) - 1;
        sum[at] = (sum[at] as number) - w;
      }
      throw new RankIndexError('BAD_INPUT', `handle ${h} is already in the index`);
    }
    for (let j = base + n; j > base + pos; j--) {
      basis[j] = basis[j - 1] as number;
      keys[j] = keys[j - 1] as number;
      hs[j] = hs[j - 1] as number;
    }
    basis[base + pos] = b;
    keys[base + pos] = k;
    hs[base + pos] = h;
    t.leafN[leaf] = n + 1;
    t.count++;
    t.version++;
    t.totalWeight += w;
    for (const l of t.listeners) l.inserted(leaf, pos, rank + pos, w);
    if (n + 1 === t.leafCap) this.splitLeaf(leaf, depth);
    return rank + pos;
  }

  private splitLeaf(leaf: number, depth: number): void {
    const t = this.t;
    const right = t.allocLeaf();
    const cap = t.leafCap;
    const basis = t.basis;
    const keys = t.keys;
    const hs = t.hs;
    const n = t.leafN[leaf] as number;
    const half = n >> 1;
    const from = leaf * cap;
    const to = right * cap;
    let rightSum = 0;
    for (let j = half; j < n; j++) {
      const b = basis[from + j] as number;
      basis[to + j - half] = b;
      keys[to + j - half] = keys[from + j] as number;
      hs[to + j - half] = hs[from + j] as number;
      rightSum += weight(b);
    }
    t.leafN[right] = n - half;
    t.leafN[leaf] = half;
    const after = t.next[leaf] as number;
    t.next[right] = after;
    t.prev[right] = leaf;
    if (after !== NIL) t.prev[after] = right;
    t.next[leaf] = right;
    for (const l of t.listeners) l.split(leaf, right, half);
    this.attachRight(leaf, right, n - half, rightSum, basis[to] as number, keys[to] as number, hs[to] as number, depth);
  }

  /** Puts `right` (split off `left` at `depth`) beside it in the parent, splitting upwards. */
  private attachRight(left: number, right: number, rc: number, rs: number, sb: number, sk: number, sh: number, depth: number): void {
    const t = this.t;
    if (depth === 0) {
      const root = t.allocInner();
      const at = root * t.fanout;
      t.kid[at] = left;
      t.kid[at + 1] = right;
      t.cnt[at] = t.count - rc;
      t.sum[at] = t.totalWeight - rs;
      t.cnt[at + 1] = rc;
      t.sum[at + 1] = rs;
      t.sepB[at + 1] = sb;
      t.sepK[at + 1] = sk;
      t.sepH[at + 1] = sh;
      t.innerN[root] = 2;
      t.root = root;
      t.height++;
      return;
    }
    const parent = this.pathNode[depth - 1] as number;
    const base = parent * t.fanout;
    const i = this.pathIdx[depth - 1] as number;
    const n = t.innerN[parent] as number;
    t.cnt[base + i] = (t.cnt[base + i] as number) - rc;
    t.sum[base + i] = (t.sum[base + i] as number) - rs;
    const at = base + i + 1;
    for (let j = base + n; j > at; j--) {
      t.kid[j] = t.kid[j - 1] as number;
      t.cnt[j] = t.cnt[j - 1] as number;
      t.sum[j] = t.sum[j - 1] as number;
      t.sepB[j] = t.sepB[j - 1] as number;
      t.sepK[j] = t.sepK[j - 1] as number;
      t.sepH[j] = t.sepH[j - 1] as number;
    }
    t.kid[at] = right;
    t.cnt[at] = rc;
    t.sum[at] = rs;
    t.sepB[at] = sb;
    t.sepK[at] = sk;
    t.sepH[at] = sh;
    t.innerN[parent] = n + 1;
    if (n + 1 === t.fanout) this.splitInner(parent, depth - 1);
  }

  private splitInner(node: number, depth: number): void {
    const t = this.t;
    const right = t.allocInner();
    const F = t.fanout;
    const n = t.innerN[node] as number;
    const half = n >> 1;
    const from = node * F;
    const to = right * F;
    let rc = 0;
    let rs = 0;
    for (let j = half; j < n; j++) {
      const k = to + j - half;
      t.kid[k] = t.kid[from + j] as number;
      t.cnt[k] = t.cnt[from + j] as number;
      t.sum[k] = t.sum[from + j] as number;
      t.sepB[k] = t.sepB[from + j] as number;
      t.sepK[k] = t.sepK[from + j] as number;
      t.sepH[k] = t.sepH[from + j] as number;
      rc += t.cnt[from + j] as number;
      rs += t.sum[from + j] as number;
    }
    t.innerN[right] = n - half;
    t.innerN[node] = half;
    // at the root, attachRight computes the left totals from the index totals
    this.attachRight(node, right, rc, rs, t.sepB[to] as number, t.sepK[to] as number, t.sepH[to] as number, depth);
  }

  remove(h: number, b: number): void {
    const t = this.t;
    const F = t.fanout;
    t.syncKeys();
    let node = t.root;
    let rank = 0;
    let sub = t.count;
    const depth = t.height;
    for (let d = 0; d < depth; d++) {
      const i = t.route(node, b, h);
      const base = node * F;
      rank += countBefore(t.cnt, base, t.innerN[node] as number, i, sub);
      sub = t.cnt[base + i] as number;
      this.pathNode[d] = node;
      this.pathIdx[d] = i;
      node = t.kid[base + i] as number;
    }
    const leaf = node;
    const pos = t.leafPos(leaf, b, h);
    const base = leaf * t.leafCap;
    const n = t.leafN[leaf] as number;
    const basis = t.basis;
    const keys = t.keys;
    const hs = t.hs;
    if (pos >= n || hs[base + pos] !== h) {
      throw new RankIndexError('NOT_FOUND', `handle ${h} with basis ${b} is not in the index`);
    }
    const w = weight(b);
    const cnt = t.cnt;
    const sum = t.sum;
    this.removedH = h;
    this.removedK = keys[base + pos] as number;
    this.removedEpoch = t.keyEpoch;
    for (let d = 0; d < depth; d++) {
      const at = (this.pathNode[d] as number) * F + (this.pathIdx[d] as number);
      cnt[at] = (cnt[at] as number) - 1;
      sum[at] = (sum[at] as number) - w;
    }
    for (let j = base + pos; j < base + n - 1; j++) {
      basis[j] = basis[j + 1] as number;
      keys[j] = keys[j + 1] as number;
      hs[j] = hs[j + 1] as number;
    }
    t.leafN[leaf] = n - 1;
    t.count--;
    t.version++;
    t.totalWeight -= w;
    for (const l of t.listeners) l.removed(leaf, pos, rank + pos, w);
    if (depth === 0) return;
    if (n - 1 === 0) {
      this.unlinkLeaf(leaf);
      t.freeLeaf(leaf);
      this.detach(depth);
      return;
    }
    if (n - 1 < t.leafCap >> 2) this.mergeRightSibling(leaf, depth);
  }

  private unlinkLeaf(leaf: number): void {
    const t = this.t;
    const before = t.prev[leaf] as number;
    const after = t.next[leaf] as number;
    if (before !== NIL) t.next[before] = after;
    else if (after !== NIL) t.head = after;
    if (after !== NIL) t.prev[after] = before;
    t.next[leaf] = t.prev[leaf] = NIL;
    for (const l of t.listeners) l.freed(leaf, before, after);
  }

  /** Removes the (empty, freed) child on the path at `depth` from its parent, cascading upwards. */
  private detach(depth: number): void {
    const t = this.t;
    let d = depth - 1;
    for (;;) {
      const parent = this.pathNode[d] as number;
      const base = parent * t.fanout;
      const i = this.pathIdx[d] as number;
      const n = t.innerN[parent] as number;
      for (let j = base + i; j < base + n - 1; j++) {
        t.kid[j] = t.kid[j + 1] as number;
        t.cnt[j] = t.cnt[j + 1] as number;
        t.sum[j] = t.sum[j + 1] as number;
        t.sepB[j] = t.sepB[j + 1] as number;
        t.sepK[j] = t.sepK[j + 1] as number;
        t.sepH[j] = t.sepH[j + 1] as number;
      }
      t.innerN[parent] = n - 1;
      if (n - 1 > 0 || d === 0) break;
      t.freeInner(parent);
      d--;
    }
    this.collapseRoot();
  }

  private collapseRoot(): void {
    const t = this.t;
    while (t.height > 0 && (t.innerN[t.root] as number) <= 1) {
      if (t.innerN[t.root] === 0) {
        t.clear(16, 4);
        return;
      }
      const old = t.root;
      t.root = t.kid[old * t.fanout] as number;
      t.freeInner(old);
      t.height--;
    }
  }

  /** Keeps leaves from thinning out: folds the right sibling into a small leaf when both fit. */
  private mergeRightSibling(leaf: number, depth: number): void {
    const t = this.t;
    const parent = this.pathNode[depth - 1] as number;
    const base = parent * t.fanout;
    const i = this.pathIdx[depth - 1] as number;
    if (i + 1 >= (t.innerN[parent] as number)) return;
    const sib = t.kid[base + i + 1] as number;
    const n = t.leafN[leaf] as number;
    const sn = t.leafN[sib] as number;
    if (n + sn > (t.leafCap * 3) >> 2) return;
    const to = leaf * t.leafCap + n;
    const from = sib * t.leafCap;
    for (let j = 0; j < sn; j++) {
      t.basis[to + j] = t.basis[from + j] as number;
      t.keys[to + j] = t.keys[from + j] as number;
      t.hs[to + j] = t.hs[from + j] as number;
    }
    t.leafN[leaf] = n + sn;
    for (const l of t.listeners) l.merged(leaf, sib, n);
    t.cnt[base + i] = (t.cnt[base + i] as number) + (t.cnt[base + i + 1] as number);
    t.sum[base + i] = (t.sum[base + i] as number) + (t.sum[base + i + 1] as number);
    this.unlinkLeaf(sib);
    t.freeLeaf(sib);
    this.pathIdx[depth - 1] = i + 1;
    this.detach(depth);
  }
}
