import { AGGREGATE_FIELDS, type AggregateField } from './aggregate-fields';

/**
 * One customer's aggregate state as kept in its hash <base>c:<customerId>: the packed field
 * 's' (AGGREGATE_FIELDS joined by ':'), day buckets 'd:<day>' and months 'm:<YYYYMM>', each a
 * tally "revenue:profit:count". Every value is an integer (minor units, epoch ms). Pure.
 */
export type CustomerState = Record<AggregateField, number>;

/** revenue, profit and count of one day or month; `stored` is false for a bucket not yet in Redis. */
export interface Tally {
  rev: number;
  profit: number;
  count: number;
  stored: boolean;
  dirty: boolean;
}

export function emptyState(): CustomerState {
  const s = {} as CustomerState;
  for (const f of AGGREGATE_FIELDS) s[f] = 0;
  s.firstActivityAt = -1;
  s.lastActivityAt = -1;
  return s;
}

export function parseState(packed: string): CustomerState {
  const values = packed.split(':');
  if (values.length !== AGGREGATE_FIELDS.length) {
    throw new Error(`packed state has ${values.length} values, expected ${AGGREGATE_FIELDS.length}`);
  }
  const s = {} as CustomerState;
  AGGREGATE_FIELDS.forEach((f, i) => {
    s[f] = Number(values[i]);
  });
  return s;
}

export function packState(s: CustomerState): string {
  let out = String(s.seq);
  for (let i = 1; i < AGGREGATE_FIELDS.length; i++) out += `:${s[AGGREGATE_FIELDS[i] as AggregateField]}`;
  return out;
}

/** A stored tally, or a zero one (not stored) when the field is absent. */
export function parseTally(raw: string | null | undefined): Tally {
  if (raw === null || raw === undefined) return { rev: 0, profit: 0, count: 0, stored: false, dirty: false };
  const [a, p, k] = raw.split(':');
  return { rev: Number(a), profit: Number(p), count: Number(k), stored: true, dirty: false };
}

export const packTally = (t: Tally) => `${t.rev}:${t.profit}:${t.count}`;
