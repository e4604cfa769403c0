import { FatalError } from '../../errors/tierflow-error';
import { TIERS, type TierCode } from '../../tier';

/**
 * The ranker's stored customer record (rankKeys(prefix).customers, one field per customer): a
 * customer's durable ranker state as one compact string,
 * `seq|basis|gRaw|gPub|gPubAt|rRaw|rPub|rPubAt|region` (tiers as letters, an empty time for
 * "never"; region last, and empty when regions are off). Written only by services/ranker;
 * read by the ranker's restore (domain/ranking/engine-snapshot.ts), rank-store-reader.ts (the
 * dashboard, the CLI) and the benchmarks. Pure.
 */
export interface CustomerSnapshot {
  customerId: string;
  seq: number;
  basis: number;
  region: string | null;
  /** per slot (0 global, 1 region): raw, published, published-since */
  tiers: [[TierCode, TierCode, number], [TierCode, TierCode, number]];
}

/** A tier letter of a record as its code (a missing letter is C). */
export const tierCodeOf = (letter: string | undefined): TierCode => {
  const i = TIERS.indexOf((letter ?? 'C') as 'A');
  if (i < 0) throw new FatalError('BAD_SNAPSHOT', `bad tier letter ${letter}`);
  return i as TierCode;
};
const time = (t: number) => (Number.isFinite(t) ? String(t) : '');
/** A time of a record (empty = never = -Infinity). */
export const parseRecordTime = (s: string | undefined) => (s === undefined || s === '' ? -Infinity : Number(s));

export function encodeSnapshot(s: CustomerSnapshot): string {
  const [g, r] = s.tiers;
  return [s.seq, s.basis, TIERS[g[0]], TIERS[g[1]], time(g[2]), TIERS[r[0]], TIERS[r[1]], time(r[2]), s.region ?? ''].join('|');
}

export function decodeSnapshot(customerId: string, text: string): CustomerSnapshot {
  const parts = text.split('|');
  if (parts.length < 9) {
    throw new FatalError('BAD_SNAPSHOT', `bad ranker record for ${customerId}: ${text}`);
  }
  const region = parts.slice(8).join('|');
  return {
    customerId,
    seq: Number(parts[0]),
    basis: Number(parts[1]),
    region: region === '' ? null : region,
    tiers: [
      [tierCodeOf(parts[2]), tierCodeOf(parts[3]), parseRecordTime(parts[4])],
      [tierCodeOf(parts[5]), tierCodeOf(parts[6]), parseRecordTime(parts[7])],
    ],
  };
}
