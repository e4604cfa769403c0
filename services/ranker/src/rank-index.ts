/**
 * An order-statistic B+tree over customers, ordered by basis descending then customerId
 * ascending (UTF-16 code-unit order), with a count and a sum of weights per child.
 * The weight of an entry is max(basis, 0), so prefix sums are non-decreasing along the order.
 *
 * Every operation is iterative and costs O(log N): insert, remove, rank and prefix sum of an
 * entry, the k-th entry, and "how many leading entries have a prefix sum below x" (the tier
 * boundary search). Leaves hold typed arrays and are linked, so a run of consecutive ranks is
 * read with one descent and a walk. Entries are customer handles (small integers); the caller
 * owns the handle -> customerId table and passes the current basis when it removes or locates.
 * Pure: no I/O.
 */

import { Inner, Leaf, RankCursor, RankIndexError, weight, type Node } from './rank-index-nodes';

export { RankCursor, RankIndexError };

const MAX_DEPTH = 48;

export class RankIndex {
  private readonly ids: readonly string[];
  private readonly leafCap: number;
  private readonly fanout: number;
  private root: Node;
  private head: Leaf;
  private count = 0;
  private totalWeight = 0;
  /** bumped by every change, so a RankCursor can tell it is stale */
  private version = 0;
  private readonly pathNode: Inner[] = new Array<Inner>(MAX_DEPTH);
  private readonly pathIdx = new Int32Array(MAX_DEPTH);
  /** Sum of weights before the entry found by the last rankOf call. */
  lastSumBefore = 0;

  constructor(params: { ids: readonly string[]; leafCapacity?: number; fanout?: number }) {
    this.ids = params.ids;
    this.leafCap = params.leafCapacity ?? 64;
    this.fanout = params.fanout ?? 64;
    if (this.leafCap < 4 || this.fanout < 4) throw new RankIndexError('BAD_INPUT', 'leafCapacity and fanout must be >= 4');
    this.head = new Leaf(this.leafCap);
    this.root = this.head;
  }

  get size(): number {
    return this.count;
  }

  /** Sum of max(basis, 0) over all entries. */
  get total(): number {
    return this.totalWeight;
  }

  /** true when (b1,h1) sorts before (b2,h2). */
  private before(b1: number, h1: number, b2: number, h2: number): boolean {
    if (b1 !== b2) return b1 > b2;
    if (h1 === h2) return false;
    return (this.ids[h1] as string) < (this.ids[h2] as string);
  }

  /** The child of an inner node whose key range holds (b, h). */
  private route(node: Inner, b: number, h: number): number {
    let lo = 1;
    let hi = node.n - 1;
    let ans = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(b, h, node.sepB[mid] as number, node.sepH[mid] as number)) hi = mid - 1;
      else {
        ans = mid;
        lo = mid + 1;
      }
    }
    return ans;
  }

  /** Number of entries of the leaf that sort before (b, h). */
  private leafPos(leaf: Leaf, b: number, h: number): number {
    let lo = 0;
    let hi = leaf.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(leaf.basis[mid] as number, leaf.hs[mid] as number, b, h)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts (h, b); returns its 0-based rank. */
  insert(h: number, b: number): number {
    if (!Number.isFinite(b)) throw new RankIndexError('BAD_INPUT', `basis must be finite, got ${b}`);
    const w = weight(b);
    let node = this.root;
    let depth = 0;
    let rank = 0;
    while (!node.leaf) {
      const i = this.route(node, b, h);
      for (let j = 0; j < i; j++) rank += node.cnt[j] as number;
      node.cnt[i] = (node.cnt[i] as number) + 1;
      node.sum[i] = (node.sum[i] as number) + w;
      this.pathNode[depth] = node;
      this.pathIdx[depth] = i;
      depth++;
      node = node.kids[i] as Node;
    }
    const leaf = node;
    const pos = this.leafPos(leaf, b, h);
    if (pos < leaf.n && leaf.hs[pos] === h && leaf.basis[pos] === b) {
      throw new RankIndexError('BAD_INPUT', `handle ${h} is already in the index`);
    }
    leaf.basis.copyWithin(pos + 1, pos, leaf.n);
    leaf.hs.copyWithin(pos + 1, pos, leaf.n);
    leaf.basis[pos] = b;
    leaf.hs[pos] = h;
    leaf.n++;
    this.count++;
    this.version++;
    this.totalWeight += w;
    if (leaf.n === this.leafCap) this.splitLeaf(leaf, depth);
    return rank + pos;
  }

  private splitLeaf(leaf: Leaf, depth: number): void {
    const half = leaf.n >> 1;
    const right = new Leaf(this.leafCap);
    right.basis.set(leaf.basis.subarray(half, leaf.n));
    right.hs.set(leaf.hs.subarray(half, leaf.n));
    right.n = leaf.n - half;
    leaf.n = half;
    let rightSum = 0;
    for (let j = 0; j < right.n; j++) rightSum += weight(right.basis[j] as number);
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next) leaf.next.prev = right;
    leaf.next = right;
    this.attachRight(leaf, right, right.n, rightSum, right.basis[0] as number, right.hs[0] as number, depth);
  }

  /** Puts `right` (split off `left` at `depth`) beside it in the parent, splitting upwards. */
  private attachRight(left: Node, right: Node, rc: number, rs: number, sb: number, sh: number, depth: number): void {
    if (depth === 0) {
      const root = new Inner(this.fanout);
      root.kids[0] = left;
      root.kids[1] = right;
      root.cnt[0] = this.count - rc;
      root.sum[0] = this.totalWeight - rs;
      root.cnt[1] = rc;
      root.sum[1] = rs;
      root.sepB[1] = sb;
      root.sepH[1] = sh;
      root.n = 2;
      this.root = root;
      return;
    }
    const parent = this.pathNode[depth - 1] as Inner;
    const i = this.pathIdx[depth - 1] as number;
    parent.cnt[i] = (parent.cnt[i] as number) - rc;
    parent.sum[i] = (parent.sum[i] as number) - rs;
    const at = i + 1;
    parent.kids.copyWithin(at + 1, at, parent.n);
    parent.cnt.copyWithin(at + 1, at, parent.n);
    parent.sum.copyWithin(at + 1, at, parent.n);
    parent.sepB.copyWithin(at + 1, at, parent.n);
    parent.sepH.copyWithin(at + 1, at, parent.n);
    parent.kids[at] = right;
    parent.cnt[at] = rc;
    parent.sum[at] = rs;
    parent.sepB[at] = sb;
    parent.sepH[at] = sh;
    parent.n++;
    if (parent.n === this.fanout) this.splitInner(parent, depth - 1);
  }

  private splitInner(node: Inner, depth: number): void {
    const half = node.n >> 1;
    const right = new Inner(this.fanout);
    let rc = 0;
    let rs = 0;
    for (let j = half; j < node.n; j++) {
      const k = j - half;
      right.kids[k] = node.kids[j] as Node;
      right.cnt[k] = node.cnt[j] as number;
      right.sum[k] = node.sum[j] as number;
      right.sepB[k] = node.sepB[j] as number;
      right.sepH[k] = node.sepH[j] as number;
      rc += node.cnt[j] as number;
      rs += node.sum[j] as number;
    }
    right.n = node.n - half;
    node.n = half;
    if (depth === 0) {
      // attachRight computes the left totals from the index totals at the root
      this.attachRight(node, right, rc, rs, right.sepB[0] as number, right.sepH[0] as number, 0);
      return;
    }
    this.attachRight(node, right, rc, rs, right.sepB[0] as number, right.sepH[0] as number, depth);
  }

  remove(h: number, b: number): void {
    let node = this.root;
    let depth = 0;
    while (!node.leaf) {
      const i = this.route(node, b, h);
      this.pathNode[depth] = node;
      this.pathIdx[depth] = i;
      depth++;
      node = node.kids[i] as Node;
    }
    const leaf = node;
    const pos = this.leafPos(leaf, b, h);
    if (pos >= leaf.n || leaf.hs[pos] !== h) {
      throw new RankIndexError('NOT_FOUND', `handle ${h} with basis ${b} is not in the index`);
    }
    const w = weight(b);
    for (let d = 0; d < depth; d++) {
      const node = this.pathNode[d] as Inner;
      const i = this.pathIdx[d] as number;
      node.cnt[i] = (node.cnt[i] as number) - 1;
      node.sum[i] = (node.sum[i] as number) - w;
    }
    leaf.basis.copyWithin(pos, pos + 1, leaf.n);
    leaf.hs.copyWithin(pos, pos + 1, leaf.n);
    leaf.n--;
    this.count--;
    this.version++;
    this.totalWeight -= w;
    if (depth === 0) return;
    if (leaf.n === 0) {
      this.unlinkLeaf(leaf);
      this.detach(depth);
      return;
    }
    if (leaf.n < this.leafCap >> 2) this.mergeRightSibling(leaf, depth);
  }

  private unlinkLeaf(leaf: Leaf): void {
    if (leaf.prev) leaf.prev.next = leaf.next;
    else if (leaf.next) this.head = leaf.next;
    if (leaf.next) leaf.next.prev = leaf.prev;
    leaf.next = leaf.prev = null;
  }

  /** Removes the (empty) child on the path at `depth` from its parent, cascading upwards. */
  private detach(depth: number): void {
    let d = depth - 1;
    for (;;) {
      const parent = this.pathNode[d] as Inner;
      const i = this.pathIdx[d] as number;
      parent.kids.copyWithin(i, i + 1, parent.n);
      parent.cnt.copyWithin(i, i + 1, parent.n);
      parent.sum.copyWithin(i, i + 1, parent.n);
      parent.sepB.copyWithin(i, i + 1, parent.n);
      parent.sepH.copyWithin(i, i + 1, parent.n);
      parent.n--;
      if (parent.n > 0 || d === 0) break;
      d--;
    }
    this.collapseRoot();
  }

  private collapseRoot(): void {
    while (!this.root.leaf && this.root.n <= 1) {
      if (this.root.n === 0) {
        this.head = new Leaf(this.leafCap);
        this.root = this.head;
        return;
      }
      this.root = this.root.kids[0] as Node;
    }
  }

  /** Keeps leaves from thinning out: folds the right sibling into a small leaf when both fit. */
  private mergeRightSibling(leaf: Leaf, depth: number): void {
    const parent = this.pathNode[depth - 1] as Inner;
    const i = this.pathIdx[depth - 1] as number;
    if (i + 1 >= parent.n) return;
    const sib = parent.kids[i + 1] as Leaf;
    if (leaf.n + sib.n > (this.leafCap * 3) >> 2) return;
    leaf.basis.set(sib.basis.subarray(0, sib.n), leaf.n);
    leaf.hs.set(sib.hs.subarray(0, sib.n), leaf.n);
    leaf.n += sib.n;
    parent.cnt[i] = (parent.cnt[i] as number) + (parent.cnt[i + 1] as number);
    parent.sum[i] = (parent.sum[i] as number) + (parent.sum[i + 1] as number);
    sib.n = 0;
    this.unlinkLeaf(sib);
    this.pathIdx[depth - 1] = i + 1;
    this.detach(depth);
  }

  /** 0-based rank of (h, b); also sets lastSumBefore to the weight of the entries before it. */
  rankOf(h: number, b: number): number {
    let node = this.root;
    let rank = 0;
    let sum = 0;
    while (!node.leaf) {
      const i = this.route(node, b, h);
      for (let j = 0; j < i; j++) {
        rank += node.cnt[j] as number;
        sum += node.sum[j] as number;
      }
      node = node.kids[i] as Node;
    }
    const pos = this.leafPos(node, b, h);
    if (pos >= node.n || node.hs[pos] !== h) {
      throw new RankIndexError('NOT_FOUND', `handle ${h} with basis ${b} is not in the index`);
    }
    for (let j = 0; j < pos; j++) sum += weight(node.basis[j] as number);
    this.lastSumBefore = sum;
    return rank + pos;
  }

  /** Sum of the weights of the first k entries (k clamped to [0, size]). */
  prefixSum(k: number): number {
    if (k <= 0) return 0;
    if (k >= this.count) return this.totalWeight;
    let node = this.root;
    let left = k;
    let sum = 0;
    while (!node.leaf) {
      let i = 0;
      while (left >= (node.cnt[i] as number) && i < node.n - 1) {
        left -= node.cnt[i] as number;
        sum += node.sum[i] as number;
        i++;
      }
      node = node.kids[i] as Node;
    }
    for (let j = 0; j < left; j++) sum += weight(node.basis[j] as number);
    return sum;
  }

  /**
   * How many leading entries have a prefix sum (weight of the entries before them) below x:
   * the smallest k with prefixSum(k) >= x, or size when the total is below x.
   */
  countPrefixBelow(x: number, cursor?: RankCursor): number {
    if (cursor) cursor.rank = -1;
    if (!(x > 0)) return 0;
    if (this.totalWeight < x) return this.count;
    let node = this.root;
    let acc = 0;
    let rank = 0;
    while (!node.leaf) {
      let i = 0;
      while (i < node.n - 1 && acc + (node.sum[i] as number) < x) {
        acc += node.sum[i] as number;
        rank += node.cnt[i] as number;
        i++;
      }
      node = node.kids[i] as Node;
    }
    for (let j = 0; j < node.n; j++) {
      acc += weight(node.basis[j] as number);
      if (acc >= x) {
        if (cursor) {
          cursor.leaf = node;
          cursor.pos = j;
          cursor.rank = rank + j;
          cursor.version = this.version;
        }
        return rank + j + 1;
      }
    }
    return rank + node.n;
  }

  private seekLeaf: Leaf | null = null;
  private seekPos = 0;

  /** Finds the leaf and offset of rank r (into seekLeaf / seekPos, to allocate nothing). */
  private seek(r: number): void {
    if (!(r >= 0 && r < this.count)) throw new RankIndexError('OUT_OF_RANGE', `rank ${r} outside [0, ${this.count})`);
    let node = this.root;
    let left = r;
    while (!node.leaf) {
      let i = 0;
      while (left >= (node.cnt[i] as number) && i < node.n - 1) {
        left -= node.cnt[i] as number;
        i++;
      }
      node = node.kids[i] as Node;
    }
    this.seekLeaf = node;
    this.seekPos = left;
  }

  /** The handle at 0-based rank r. */
  handleAt(r: number): number {
    this.seek(r);
    return (this.seekLeaf as Leaf).hs[this.seekPos] as number;
  }

  /** The basis at 0-based rank r. */
  basisAt(r: number): number {
    this.seek(r);
    return (this.seekLeaf as Leaf).basis[this.seekPos] as number;
  }

  /**
   * Calls fn(handle, basis, rank) for ranks from..from+n-1 (clipped to the index); starts at
   * the cursor without a descent when it still points at rank `from`.
   */
  forRange(from: number, n: number, fn: (h: number, b: number, rank: number) => void, cursor?: RankCursor): void {
    const start = Math.max(0, from);
    const end = Math.min(this.count, from + n);
    if (start >= end) return;
    let leaf: Leaf;
    let pos: number;
    if (cursor && cursor.rank === start && cursor.version === this.version && cursor.leaf) {
      leaf = cursor.leaf as Leaf;
      pos = cursor.pos;
    } else {
      this.seek(start);
      leaf = this.seekLeaf as Leaf;
      pos = this.seekPos;
    }
    for (let r = start; r < end; r++) {
      while (pos >= leaf.n) {
        leaf = leaf.next as Leaf;
        pos = 0;
      }
      fn(leaf.hs[pos] as number, leaf.basis[pos] as number, r);
      pos++;
    }
  }

  /**
   * Replaces the content with entries already in index order (as a sorted set returns them):
   * O(N), no comparisons beyond an order check. Leaves are filled to 3/4.
   */
  loadSorted(handles: ArrayLike<number>, basis: ArrayLike<number>, n: number): void {
    for (let j = 1; j < n; j++) {
      if (!this.before(basis[j - 1] as number, handles[j - 1] as number, basis[j] as number, handles[j] as number)) {
        throw new RankIndexError('BAD_INPUT', `loadSorted: entry ${j} is out of order`);
      }
    }
    const perLeaf = Math.max(1, (this.leafCap * 3) >> 2);
    let level: Node[] = [];
    let cnts: number[] = [];
    let sums: number[] = [];
    let prev: Leaf | null = null;
    this.totalWeight = 0;
    for (let start = 0; start < n || level.length === 0; start += perLeaf) {
      const leaf = new Leaf(this.leafCap);
      const end = Math.min(n, start + perLeaf);
      let s = 0;
      for (let j = start; j < end; j++) {
        leaf.basis[j - start] = basis[j] as number;
        leaf.hs[j - start] = handles[j] as number;
        s += weight(basis[j] as number);
      }
      leaf.n = Math.max(0, end - start);
      leaf.prev = prev;
      if (prev) prev.next = leaf;
      prev = leaf;
      level.push(leaf);
      cnts.push(leaf.n);
      sums.push(s);
      this.totalWeight += s;
      if (end >= n) break;
    }
    this.head = level[0] as Leaf;
    this.count = n;
    const perInner = Math.max(2, (this.fanout * 3) >> 2);
    while (level.length > 1) {
      const up: Node[] = [];
      const upCnt: number[] = [];
      const upSum: number[] = [];
      for (let start = 0; start < level.length; start += perInner) {
        const node = new Inner(this.fanout);
        const end = Math.min(level.length, start + perInner);
        let c = 0;
        let s = 0;
        for (let j = start; j < end; j++) {
          const kid = level[j] as Node;
          const k = j - start;
          node.kids[k] = kid;
          node.cnt[k] = cnts[j] as number;
          node.sum[k] = sums[j] as number;
          const first = firstKey(kid);
          node.sepB[k] = first.b;
          node.sepH[k] = first.h;
          c += cnts[j] as number;
          s += sums[j] as number;
        }
        node.n = end - start;
        up.push(node);
        upCnt.push(c);
        upSum.push(s);
      }
      level = up;
      cnts = upCnt;
      sums = upSum;
    }
    this.root = level[0] as Node;
  }

  /** Checks every structural invariant (for tests): counts, sums, order, links. */
  checkInvariants(): void {
    const seen = { n: 0, w: 0 };
    const check = (node: Node): { c: number; s: number } => {
      if (node.leaf) {
        let s = 0;
        for (let j = 0; j < node.n; j++) s += weight(node.basis[j] as number);
        return { c: node.n, s };
      }
      let c = 0;
      let s = 0;
      for (let i = 0; i < node.n; i++) {
        const sub = check(node.kids[i] as Node);
        if (sub.c !== node.cnt[i] || sub.s !== node.sum[i]) throw new Error(`bad count/sum at child ${i}`);
        c += sub.c;
        s += sub.s;
      }
      return { c, s };
    };
    const tot = check(this.root);
    if (tot.c !== this.count || tot.s !== this.totalWeight) throw new Error('bad totals');
    let prevB = Infinity;
    let prevH = -1;
    for (let leaf: Leaf | null = this.head; leaf; leaf = leaf.next) {
      for (let j = 0; j < leaf.n; j++) {
        const b = leaf.basis[j] as number;
        const h = leaf.hs[j] as number;
        if (prevH >= 0 && !this.before(prevB, prevH, b, h)) throw new Error('leaf order broken');
        prevB = b;
        prevH = h;
        seen.n++;
        seen.w += weight(b);
      }
    }
    if (seen.n !== this.count) throw new Error(`leaf chain holds ${seen.n} of ${this.count}`);
  }
}

function firstKey(node: Node): { b: number; h: number } {
  let n: Node = node;
  while (!n.leaf) n = n.kids[0] as Node;
  return { b: n.basis[0] as number, h: n.hs[0] as number };
}
