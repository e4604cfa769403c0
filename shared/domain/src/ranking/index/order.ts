/**
 * Numeric tie-break keys for the rank index: entries with equal basis are ordered by
 * customerId, and comparing strings costs cache misses (the ids live all over the heap). Each
 * handle gets a key that packs the first code units of its customerId after the prefix common
 * to all ids seen so far, so that keyA < keyB implies idA < idB (UTF-16 code-unit order, as
 * JS `<` compares). Equal keys decide nothing: the caller then compares the strings.
 *
 * A new id that does not share the common prefix (or the first non-ASCII id) changes the
 * packing: every key is recomputed and `epoch` is bumped, so an index that copied keys into
 * its nodes rewrites them. The order the keys imply never changes, only how much of it they
 * resolve. Pure.
 */

import { RankIndexError } from './index-error';

/** ASCII ids: 6 code units of 8 bits (unit + 1, 0 = end of id); otherwise 3 units of 17 bits. */
const ASCII_UNITS = 6;
const WIDE_UNITS = 3;

export class IdOrder {
  /** bumped whenever existing keys change */
  epoch = 0;
  private keys = new Float64Array(1024);
  /** handles [0, known) have their key */
  private known = 0;
  private prefix: string | null = null;
  private ascii = true;

  constructor(private readonly ids: readonly string[]) {}

  /** The key of handle h (its id must be in the ids array). */
  keyOf(h: number): number {
    if (h >= this.known) this.learn(h);
    return this.keys[h] as number;
  }

  private learn(upTo: number): void {
    if (upTo >= this.keys.length) {
      const k = new Float64Array(Math.max(upTo + 1, this.keys.length * 2));
      k.set(this.keys.subarray(0, this.known));
      this.keys = k;
    }
    const ids = this.ids;
    const hadKeys = this.known > 0;
    let repack = false;
    for (let h = this.known; h <= upTo; h++) {
      const id = ids[h];
      if (id === undefined) throw new RankIndexError('BAD_INPUT', `handle ${h} has no customerId`);
      if (this.prefix === null) this.prefix = id;
      else if (!id.startsWith(this.prefix)) {
        let p = 0;
        while (p < this.prefix.length && p < id.length && this.prefix.charCodeAt(p) === id.charCodeAt(p)) p++;
        this.prefix = this.prefix.slice(0, p);
        repack = true;
      }
      if (this.ascii && !isAscii(id)) {
        this.ascii = false;
        repack = true;
      }
    }
    const from = repack ? 0 : this.known;
    for (let h = from; h <= upTo; h++) this.keys[h] = this.pack(ids[h] as string);
    this.known = upTo + 1;
    if (repack && hadKeys) this.epoch++;
  }

  private pack(id: string): number {
    const p = (this.prefix as string).length;
    let key = 0;
    if (this.ascii) {
      for (let i = 0; i < ASCII_UNITS; i++) key = key * 256 + (p + i < id.length ? id.charCodeAt(p + i) + 1 : 0);
    } else {
      for (let i = 0; i < WIDE_UNITS; i++) key = key * 131072 + (p + i < id.length ? id.charCodeAt(p + i) + 1 : 0);
    }
    return key;
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

const shared = new WeakMap<readonly string[], IdOrder>();

/** The one IdOrder of an ids array (every scope of an engine shares the customer table's ids). */
export function idOrderOf(ids: readonly string[]): IdOrder {
  let o = shared.get(ids);
  if (!o) {
    o = new IdOrder(ids);
    shared.set(ids, o);
  }
  return o;
}
