/**
 * The tier changes a ranker must publish for a stream of aggregates, computed the plain way and
 * independently of the product's engine: customers kept in one array sorted by basis (desc, then
 * customerId), and after every update a full pass summing the bases in that order and giving each
 * customer its tier by DESIGN.md's rule (A while the share of the customers before it is below
 * thresholdA, B below thresholdB, else C; a non-positive basis is C). A customer whose tier
 * differs from the one it had is a change caused by that update. No hysteresis (the caller pins
 * HYSTERESIS_MARGIN=0 and HYSTERESIS_MIN_DWELL_MS=0), share mode, one scope. Checked against the
 * brute-force TierOracle (a full sort per update) in test/unit/ranker/tier-sort-and-sum.test.ts.
 */
export interface SortAndSumChange {
  eventId: string;
  customerId: string;
  scope: string;
  fromTier: 'A' | 'B' | 'C';
  toTier: 'A' | 'B' | 'C';
  rank: number;
  basisMinor: number;
  totalBasisMinor: number;
  populationSize: number;
  causeEventId: string;
  causeCustomerId: string;
}

export interface RankedInput {
  customerId: string;
  seq: number;
  eventId: string;
  basis: number;
}

const NAMES = ['A', 'B', 'C'] as const;

export function sortAndSumTierChanges(updates: RankedInput[], rules: { thresholdA: number; thresholdB: number }, scope = 'global'): SortAndSumChange[] {
  const order: { id: string; basis: number }[] = [];
  const current = new Map<string, { seq: number; basis: number }>();
  const tier = new Map<string, 0 | 1 | 2>();
  const before = (x: { id: string; basis: number }, y: { id: string; basis: number }) =>
    x.basis !== y.basis ? x.basis > y.basis : x.id < y.id;
  const position = (x: { id: string; basis: number }) => {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(order[mid]!, x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let total = 0;
  let kA = 0;
  let kB = 0;
  const out: SortAndSumChange[] = [];
  for (const u of updates) {
    const prev = current.get(u.customerId);
    if (prev && u.seq <= prev.seq) continue; // a repeat or an older state: nothing new
    if (prev) {
      order.splice(position({ id: u.customerId, basis: prev.basis }), 1);
      total -= Math.max(0, prev.basis);
    }
    const entry = { id: u.customerId, basis: u.basis };
    order.splice(position(entry), 0, entry);
    total += Math.max(0, u.basis);
    current.set(u.customerId, { seq: u.seq, basis: u.basis });
    // the sum in rank order: the A and B customers are the first kA and kB
    const oldA = kA;
    const oldB = kB;
    let cum = 0;
    kA = 0;
    kB = 0;
    for (let r = 0; r < order.length; r++) {
      const b = order[r]!.basis;
      if (b <= 0 || cum >= rules.thresholdB * total) break;
      if (cum < rules.thresholdA * total) kA = r + 1;
      kB = r + 1;
      cum += b;
    }
    const tierAt = (r: number): 0 | 1 | 2 => (r < kA ? 0 : r < kB ? 1 : 2);
    // every other customer moved by one rank at most, so only those next to a boundary (before
    // or after) can have changed tier; the updated customer may have moved anywhere
    const candidates = new Set<number>([position(entry)]);
    for (const [x, y] of [[oldA, kA], [oldB, kB]] as const) {
      for (let r = Math.max(0, Math.min(x, y) - 1); r <= Math.min(order.length - 1, Math.max(x, y)); r++) candidates.add(r);
    }
    for (const r of [...candidates].sort((a, b) => a - b)) {
      const o = order[r]!;
      const t = tierAt(r);
      const was = tier.get(o.id) ?? 2; // a customer is C until it is classified otherwise
      if (t === was) continue;
      tier.set(o.id, t);
      out.push({
        eventId: `${scope}|${o.id}|${u.eventId}`, customerId: o.id, scope, fromTier: NAMES[was], toTier: NAMES[t], rank: r + 1,
        basisMinor: o.basis, totalBasisMinor: total, populationSize: order.length, causeEventId: u.eventId, causeCustomerId: u.customerId,
      });
    }
  }
  return out;
}
