/**
 * Whole-tree operations on the B+tree of rank-index.ts: the O(N) bulk load from entries in
 * index order, and the structural invariant check used by tests. Pure.
 */

import { NIL, RankIndexError, RankTree, weight } from './nodes';

/**
 * Replaces the content with entries already in index order (as a sorted set returns them):
 * O(N), no comparisons beyond an order check. Leaves are filled to 3/4.
 */
export function loadSorted(t: RankTree, handles: ArrayLike<number>, basis: ArrayLike<number>, n: number): void {
  const order = t.order;
  for (let j = 0; j < n; j++) order.keyOf(handles[j] as number);
  for (let j = 1; j < n; j++) {
    const h0 = handles[j - 1] as number;
    const h1 = handles[j] as number;
    if (!t.before(basis[j - 1] as number, order.keyOf(h0), h0, basis[j] as number, order.keyOf(h1), h1)) {
      throw new RankIndexError('BAD_INPUT', `loadSorted: entry ${j} is out of order`);
    }
  }
  const perLeaf = Math.max(1, (t.leafCap * 3) >> 2);
  const perInner = Math.max(2, (t.fanout * 3) >> 2);
  const nLeaves = Math.max(1, Math.ceil(n / perLeaf));
  t.clear(nLeaves + 16, Math.ceil((nLeaves * 2) / perInner) + 4);
  // leaves, in order, linked
  let level: number[] = [];
  let cnts: number[] = [];
  let sums: number[] = [];
  let prev = NIL;
  t.keyEpoch = order.epoch;
  for (let start = 0; start < n || level.length === 0; start += perLeaf) {
    const leaf = level.length === 0 ? t.root : t.allocLeaf();
    const end = Math.min(n, start + perLeaf);
    const base = leaf * t.leafCap;
    let s = 0;
    for (let j = start; j < end; j++) {
      const b = basis[j] as number;
      t.basis[base + j - start] = b;
      t.keys[base + j - start] = order.keyOf(handles[j] as number);
      t.hs[base + j - start] = handles[j] as number;
      s += weight(b);
    }
    t.leafN[leaf] = Math.max(0, end - start);
    t.prev[leaf] = prev;
    if (prev !== NIL) t.next[prev] = leaf;
    prev = leaf;
    level.push(leaf);
    cnts.push(Math.max(0, end - start));
    sums.push(s);
    t.totalWeight += s;
    if (end >= n) break;
  }
  t.head = level[0] as number;
  t.count = n;
  // inner levels, bottom up; each separator is its child's first key
  let firstB = level.map((l) => t.basis[l * t.leafCap] as number);
  let firstK = level.map((l) => t.keys[l * t.leafCap] as number);
  let firstH = level.map((l) => t.hs[l * t.leafCap] as number);
  while (level.length > 1) {
    const up: number[] = [];
    const upCnt: number[] = [];
    const upSum: number[] = [];
    const upB: number[] = [];
    const upK: number[] = [];
    const upH: number[] = [];
    for (let start = 0; start < level.length; start += perInner) {
      const node = t.allocInner();
      const base = node * t.fanout;
      const end = Math.min(level.length, start + perInner);
      let c = 0;
      let s = 0;
      for (let j = start; j < end; j++) {
        const k = base + j - start;
        t.kid[k] = level[j] as number;
        t.cnt[k] = cnts[j] as number;
        t.sum[k] = sums[j] as number;
        t.sepB[k] = firstB[j] as number;
        t.sepK[k] = firstK[j] as number;
        t.sepH[k] = firstH[j] as number;
        c += cnts[j] as number;
        s += sums[j] as number;
      }
      t.innerN[node] = end - start;
      up.push(node);
      upCnt.push(c);
      upSum.push(s);
      upB.push(firstB[start] as number);
      upK.push(firstK[start] as number);
      upH.push(firstH[start] as number);
    }
    level = up;
    cnts = upCnt;
    sums = upSum;
    firstB = upB;
    firstK = upK;
    firstH = upH;
    t.height++;
  }
  t.root = level[0] as number;
  t.version++;
}

/** Checks every structural invariant (for tests): counts, sums, separators, order, links. */
export function checkInvariants(t: RankTree): void {
  const F = t.fanout;
  const cap = t.leafCap;
  /** returns count, sum, first and last key of the subtree */
  const key = (h: number) => t.order.keyOf(h);
  const check = (node: number, height: number): { c: number; s: number; fb: number; fh: number; lb: number; lh: number } => {
    if (height === 0) {
      const n = t.leafN[node] as number;
      let s = 0;
      for (let j = 0; j < n; j++) {
        s += weight(t.basis[node * cap + j] as number);
        if (t.keys[node * cap + j] !== key(t.hs[node * cap + j] as number)) throw new Error(`stale key in leaf ${node}`);
      }
      const last = node * cap + Math.max(0, n - 1);
      return { c: n, s, fb: t.basis[node * cap] as number, fh: t.hs[node * cap] as number, lb: t.basis[last] as number, lh: t.hs[last] as number };
    }
    const n = t.innerN[node] as number;
    if (n < 1 || n >= F) throw new Error(`inner node ${node} has ${n} children`);
    let c = 0;
    let s = 0;
    let first = { fb: 0, fh: 0 };
    let last = { lb: 0, lh: 0 };
    for (let i = 0; i < n; i++) {
      const at = node * F + i;
      const sub = check(t.kid[at] as number, height - 1);
      if (sub.c !== t.cnt[at] || sub.s !== t.sum[at]) throw new Error(`bad count/sum at child ${i}`);
      if (sub.c === 0) throw new Error(`empty child ${i} of inner node ${node}`);
      const sb = t.sepB[at] as number;
      const sh = t.sepH[at] as number;
      if (i > 0 && t.sepK[at] !== key(sh)) throw new Error(`stale separator key ${i} of inner node ${node}`);
      if (i > 0 && t.before(sub.fb, key(sub.fh), sub.fh, sb, key(sh), sh)) throw new Error(`separator ${i} of inner node ${node} above its child's first key`);
      if (i > 0 && !t.before(last.lb, key(last.lh), last.lh, sb, key(sh), sh)) throw new Error(`separator ${i} of inner node ${node} not above the left child's keys`);
      if (i === 0) first = sub;
      last = sub;
      c += sub.c;
      s += sub.s;
    }
    return { c, s, fb: first.fb, fh: first.fh, lb: last.lb, lh: last.lh };
  };
  const tot = check(t.root, t.height);
  if (tot.c !== t.count || tot.s !== t.totalWeight) throw new Error('bad totals');
  let seen = 0;
  let prevB = Infinity;
  let prevH = -1;
  let back = NIL;
  for (let leaf = t.head; leaf !== NIL; leaf = t.next[leaf] as number) {
    if (t.prev[leaf] !== back) throw new Error(`leaf ${leaf} has a wrong prev link`);
    back = leaf;
    for (let j = 0; j < (t.leafN[leaf] as number); j++) {
      const b = t.basis[leaf * cap + j] as number;
      const h = t.hs[leaf * cap + j] as number;
      if (prevH >= 0 && !t.before(prevB, key(prevH), prevH, b, key(h), h)) throw new Error('leaf order broken');
      prevB = b;
      prevH = h;
      seen++;
    }
  }
  if (seen !== t.count) throw new Error(`leaf chain holds ${seen} of ${t.count}`);
}
