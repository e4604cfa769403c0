import type { TierCode } from './tier-rules';

/** Slot 0 is a customer's place in the global scope, slot 1 its place in its region's scope. */
export type Slot = 0 | 1;

/**
 * The ranker's per-customer state as growable typed arrays indexed by a handle (a small
 * integer given at first sight), so 1,000,000 customers cost a few dozen bytes each.
 */
export class CustomerTable {
  readonly ids: string[] = [];
  private readonly handles = new Map<string, number>();
  basis = new Float64Array(0);
  seq = new Float64Array(0);
  /** index of the region scope the customer is in */
  region = new Int32Array(0);
  raw: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  pub: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  /** event time of the last published-tier change, per slot (-Infinity = never) */
  pubAt: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];

  constructor(initialCapacity = 1024) {
    this.grow(initialCapacity);
  }

  get size(): number {
    return this.ids.length;
  }

  handleOf(customerId: string): number | undefined {
    return this.handles.get(customerId);
  }

  idOf(h: number): string {
    return this.ids[h] as string;
  }

  /** Adds a customer (tiers C, never published) and returns its handle. */
  add(customerId: string): number {
    const h = this.ids.length;
    if (h >= this.basis.length) this.grow(Math.max(1024, this.basis.length * 2));
    this.ids.push(customerId);
    this.handles.set(customerId, h);
    this.basis[h] = 0;
    this.seq[h] = -Infinity;
    this.region[h] = -1;
    for (const s of [0, 1] as const) {
      this.raw[s][h] = 2;
      this.pub[s][h] = 2;
      this.pubAt[s][h] = -Infinity;
    }
    return h;
  }

  setTiers(h: number, slot: Slot, raw: TierCode, pub: TierCode, pubAt: number): void {
    this.raw[slot][h] = raw;
    this.pub[slot][h] = pub;
    this.pubAt[slot][h] = pubAt;
  }

  private grow(capacity: number): void {
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(capacity);
      b.set(a);
      return b;
    };
    this.basis = f64(this.basis);
    this.seq = f64(this.seq);
    const region = new Int32Array(capacity);
    region.set(this.region);
    this.region = region;
    this.raw = [u8(this.raw[0]), u8(this.raw[1])];
    this.pub = [u8(this.pub[0]), u8(this.pub[1])];
    this.pubAt = [f64(this.pubAt[0]), f64(this.pubAt[1])];
  }
}
