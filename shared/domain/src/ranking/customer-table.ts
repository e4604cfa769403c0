import type { TierCode } from '@tierflow/contracts/tier';

/** Slot 0 is a customer's place in the global scope, slot 1 its place in its region's scope. */
export type Slot = 0 | 1;

/** numbers per customer record: basis, seq, tiers (packed), region */
const STRIDE = 4;
const BASIS = 0;
const SEQ = 1;
const TIERS = 2;
const REGION = 3;
/** all tiers C: raw and published of both slots (2 bits each) */
const ALL_C = 2 | (2 << 2) | (2 << 4) | (2 << 6);

/**
 * The ranker's per-customer state, indexed by a handle (a small integer given at first sight).
 * What an update reads and writes (basis, seq, the four tiers, the region scope) sits together
 * in one 32-byte record of a growable Float64Array: one cache miss per update instead of one per
 * field, which is most of an update's cost at 1,000,000 customers. The times of the last
 * published change, read only when a published tier changes, are kept apart.
 */
export class CustomerTable {
  readonly ids: string[] = [];
  private readonly handles = new Map<string, number>();
  private rec = new Float64Array(0);
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

  /** Adds a customer (tiers C, never published, no region) and returns its handle. */
  add(customerId: string): number {
    const h = this.ids.length;
    if (h >= this.pubAt[0].length) this.grow(Math.max(1024, this.pubAt[0].length * 2));
    this.ids.push(customerId);
    this.handles.set(customerId, h);
    const at = h * STRIDE;
    this.rec[at + BASIS] = 0;
    this.rec[at + SEQ] = -Infinity;
    this.rec[at + TIERS] = ALL_C;
    this.rec[at + REGION] = -1;
    this.pubAt[0][h] = -Infinity;
    this.pubAt[1][h] = -Infinity;
    return h;
  }

  basisOf(h: number): number {
    return this.rec[h * STRIDE + BASIS] as number;
  }

  setBasis(h: number, basis: number): void {
    this.rec[h * STRIDE + BASIS] = basis;
  }

  seqOf(h: number): number {
    return this.rec[h * STRIDE + SEQ] as number;
  }

  setSeq(h: number, seq: number): void {
    this.rec[h * STRIDE + SEQ] = seq;
  }

  /** Ordinal of the region scope the customer is in (-1: none). */
  regionOf(h: number): number {
    return this.rec[h * STRIDE + REGION] as number;
  }

  setRegion(h: number, ordinal: number): void {
    this.rec[h * STRIDE + REGION] = ordinal;
  }

  /** The exact tier in a slot. */
  rawOf(h: number, slot: Slot): TierCode {
    return (((this.rec[h * STRIDE + TIERS] as number) >> (slot * 4)) & 3) as TierCode;
  }

  /** The published tier in a slot. */
  pubOf(h: number, slot: Slot): TierCode {
    return (((this.rec[h * STRIDE + TIERS] as number) >> (slot * 4 + 2)) & 3) as TierCode;
  }

  setRaw(h: number, slot: Slot, raw: TierCode): void {
    this.setBits(h, slot * 4, raw);
  }

  setPub(h: number, slot: Slot, pub: TierCode): void {
    this.setBits(h, slot * 4 + 2, pub);
  }

  setTiers(h: number, slot: Slot, raw: TierCode, pub: TierCode, pubAt: number): void {
    this.setBits(h, slot * 4, raw);
    this.setBits(h, slot * 4 + 2, pub);
    this.pubAt[slot][h] = pubAt;
  }

  /** Every customer's basis, by handle (a copy). */
  bases(): Float64Array {
    const out = new Float64Array(this.size);
    for (let h = 0; h < out.length; h++) out[h] = this.rec[h * STRIDE + BASIS] as number;
    return out;
  }

  private setBits(h: number, shift: number, tier: TierCode): void {
    const at = h * STRIDE + TIERS;
    const packed = this.rec[at] as number;
    this.rec[at] = (packed & ~(3 << shift)) | (tier << shift);
  }

  private grow(capacity: number): void {
    const rec = new Float64Array(capacity * STRIDE);
    rec.set(this.rec);
    this.rec = rec;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.pubAt = [f64(this.pubAt[0]), f64(this.pubAt[1])];
  }
}
