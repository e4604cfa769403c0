/** The B+tree's nodes and its error type (see rank-index.ts). Pure. */

export class RankIndexError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: 'NOT_FOUND' | 'OUT_OF_RANGE' | 'BAD_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'RankIndexError';
  }
}

/**
 * A remembered position: countPrefixBelow leaves here the entry at rank (result - 1), so a walk
 * from that rank needs no second descent. Valid only until the index changes.
 */
export class RankCursor {
  leaf: unknown = null;
  pos = 0;
  rank = -1;
  version = -1;
}

export class Leaf {
  readonly leaf = true;
  n = 0;
  next: Leaf | null = null;
  prev: Leaf | null = null;
  readonly basis: Float64Array;
  readonly hs: Int32Array;
  constructor(capacity: number) {
    // one buffer per leaf: keys and handles side by side in memory (fewer cache misses)
    const buf = new ArrayBuffer(capacity * 12);
    this.basis = new Float64Array(buf, 0, capacity);
    this.hs = new Int32Array(buf, capacity * 8, capacity);
  }
}

export class Inner {
  readonly leaf = false;
  n = 0;
  readonly kids: Array<Leaf | Inner>;
  readonly cnt: Float64Array;
  readonly sum: Float64Array;
  /** sep[i] (i >= 1) is a lower bound of child i's keys and above every key of child i-1 */
  readonly sepB: Float64Array;
  readonly sepH: Int32Array;
  constructor(fanout: number) {
    this.kids = new Array<Leaf | Inner>(fanout);
    const buf = new ArrayBuffer(fanout * 28);
    this.sepB = new Float64Array(buf, 0, fanout);
    this.cnt = new Float64Array(buf, fanout * 8, fanout);
    this.sum = new Float64Array(buf, fanout * 16, fanout);
    this.sepH = new Int32Array(buf, fanout * 24, fanout);
  }
}

export type Node = Leaf | Inner;

/** The weight an entry adds to prefix sums: its basis when positive, else 0. */
export const weight = (b: number) => (b > 0 ? b : 0);
