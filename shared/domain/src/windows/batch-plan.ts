/**
 * The aggregator's exactly-once step, as pure functions over what one batch reads from Redis.
 * Node computes; Redis only stores (see the aggregator's apply-script.ts and the runtime's
 * exactly-once/fenced-commit, which writes the result atomically if the partition's version is
 * still the one read). Steps, in order:
 *
 * 1. classifyBatch: fencing (offset <= applied offset is skipped), de-dup generations, then per
 *    event in offset order: duplicate (transactionId known with the same fingerprint), conflict
 *    (known with another), or applied; late if occurredAt < running max event time - lateness
 *    (lifetime totals and the month only). Also the end day E the batch is applied at, the new
 *    end day, the days whose window membership changes (shift) and the days dropped.
 * 2. the caller reads the customers' fields (fieldsToRead) and the shift / drop days' members.
 * 3. applyClassified: applies the events, moves the windows on (touching only customers active
 *    on the days that cross a window edge), drops old buckets, and lists the writes.
 *
 * Windows are lower-bounded only (nothing lies beyond the end day E):
 *   current  d >= E-c+1;  previous  E-2c+1 <= d <= E-c;  ranking  d >= E-r+1.
 * De-dup generations: an event belongs to generation floor(E/genDays), E being the partition's
 * end day when it arrives; it is checked against its generation and the one before (and the late
 * hash), so a resend is caught for at least genDays of partition time after the original.
 */
import { emptyState, packState, packTally, parseState, parseTally, type CustomerState, type Tally } from '@tierflow/contracts/keyspace/aggregator/aggregate-state';
import type { WriteCommand } from '@tierflow/contracts/keyspace/write-command';
import type { Classified } from './classify-batch';
import type { PartitionMeta, PreparedEvent, Verdict, WindowParams } from './plan-types';

export * from './plan-types';
export { classifyBatch, dedupeGenerations, lookbackGenerations, type Classified } from './classify-batch';

function addTally(t: Tally, rev: number, profit: number, count: number): void {
  t.rev += rev;
  t.profit += profit;
  t.count += count;
  t.dirty = true;
}

const counts = (e: PreparedEvent) => (e.kind === 'P' ? 0 : 1);
const inBucket = (e: PreparedEvent, v: Verdict) => v === 2 && counts(e) + e.rev + e.cost !== 0;

/**
 * Step 2: the hash fields each customer's state needs ('s', days, months) that `held` (the
 * partition cache) does not hold yet; a customer held with every field it needs, or held whole
 * (`complete`), is left out.
 */
export function fieldsToRead(c: Classified, members: Map<number, string[]>, held?: ReadonlyMap<string, Loaded>): Map<string, Set<string>> {
  const need = new Map<string, Set<string>>();
  const add = (id: string, field: string) => {
    const have = held?.get(id);
    if (have !== undefined && (have.complete === true || have.tallies.has(field))) return;
    let s = need.get(id);
    if (!s) need.set(id, (s = new Set(['s'])));
    s.add(field);
  };
  c.events.forEach((e, i) => {
    const v = c.verdicts[i]!;
    if (v < 2) return;
    add(e.id, e.monthField ?? `m:${e.month}`);
    if (inBucket(e, v)) add(e.id, e.dayField ?? `d:${e.day}`);
  });
  for (const d of c.shiftDays) {
    const field = `d:${d}`;
    for (const id of members.get(d) ?? []) add(id, field);
  }
  return need;
}

/** A customer's state and the tallies (days, months) known of it, read from Redis or cached. */
export interface Loaded {
  state: CustomerState;
  tallies: Map<string, Tally>;
  /**
   * `tallies` holds every field the customer's hash has (it was read whole, or did not exist):
   * a field not in it is absent, so no step reads it (a new day or month of a known customer)
   */
  complete?: boolean;
}

/** A customer from the values of its hash fields ('s' and tallies; null = absent). */
export function loadedFrom(fields: Map<string, string | null>): Loaded {
  const packed = fields.get('s');
  const l: Loaded = { state: packed ? parseState(packed) : emptyState(), tallies: new Map() };
  for (const [f, raw] of fields) if (f !== 's') l.tallies.set(f, parseTally(raw));
  return l;
}

export interface Applied {
  /** the partition's meta after the step */
  meta: PartitionMeta;
  applied: number;
  duplicates: number;
  late: number;
  conflicts: number;
  conflictOffsets: number[];
  /** changed customers: customerId, packed state, ... */
  rows: string[];
  /** the changed customers' states, in the order of `rows` (copies: the cached ones change on) */
  states: CustomerState[];
  writes: WriteCommand[];
  /** customers added to each day's activity set by this step (SADD x:<day>) */
  dayAdds: Map<number, string[]>;
}

/**
 * Step 3. `customers` holds every customer of fieldsToRead with those fields (it may hold
 * more: it can be the partition's cache); it is CHANGED IN PLACE to the state after the step,
 * so the caller drops it when the step is not committed. `members` holds the stored members of
 * the shift and drop days' activity sets.
 */
export function applyClassified(
  meta: PartitionMeta,
  c: Classified,
  customers: Map<string, Loaded>,
  members: Map<number, string[]>,
  w: WindowParams,
  offset: { field: string; last: number },
  /**
   * Customers whose last committed state has not been sent yet (the partition's record cache):
   * their state changes again under the same seq, so one record per customer stands for every
   * step since it was last sent. Others get the next seq.
   */
  unsent?: { has(customerId: string): boolean },
): Applied {
  const cache = customers;
  const load = (id: string): Loaded => {
    const l = cache.get(id);
    if (!l) throw new Error(`customer ${id} was not loaded before the apply step`);
    return l;
  };
  const tally = (l: Loaded, field: string) => {
    let t = l.tallies.get(field);
    if (!t) l.tallies.set(field, (t = parseTally(null)));
    return t;
  };
  // the fields each customer's step changed, so the write-back visits those and not every
  // bucket the customer holds (a cached customer holds a hundred or more)
  const changed = new Map<string, string[]>();
  const add = (id: string, l: Loaded, field: string, rev: number, profit: number, count: number): Tally => {
    const t = tally(l, field);
    if (!t.dirty) {
      let fields = changed.get(id);
      if (!fields) changed.set(id, (fields = []));
      fields.push(field);
    }
    addTally(t, rev, profit, count);
    return t;
  };
  const order: string[] = [];
  const touched = new Set<string>();
  const touch = (id: string) => {
    if (touched.has(id)) return;
    touched.add(id);
    order.push(id);
  };
  const c1 = w.currentDays;
  const addWindows = (s: CustomerState, d: number, E: number, rev: number, prof: number, cnt: number, sign: number) => {
    // the windows of inWindows, without its array (this runs for every bucket crossing an edge)
    const cur = d >= E - c1 + 1;
    const prev = d >= E - 2 * c1 + 1 && d <= E - c1;
    const rank = d >= E - w.rankingDays + 1;
    if (cur) {
      s.currentRevenueMinor += sign * rev;
      s.currentProfitMinor += sign * prof;
      s.currentCount += sign * cnt;
    }
    if (prev) {
      s.previousRevenueMinor += sign * rev;
      s.previousProfitMinor += sign * prof;
      s.previousCount += sign * cnt;
    }
    if (rank) {
      s.rankingRevenueMinor += sign * rev;
      s.rankingProfitMinor += sign * prof;
      s.rankingCount += sign * cnt;
    }
  };

  const after: PartitionMeta = { applied: Math.max(meta.applied, offset.last), maxEvent: c.maxEvent, endDay: c.newEnd, txGen: c.txGen, txLow: c.txLow };
  const newInDay = new Map<number, string[]>();
  const out: Applied = { meta: after, applied: 0, duplicates: 0, late: 0, conflicts: 0, conflictOffsets: [], rows: [], states: [], writes: [], dayAdds: newInDay };
  c.events.forEach((e, i) => {
    const v = c.verdicts[i]!;
    if (v === 0) {
      out.duplicates++;
      return;
    }
    if (v === 1) {
      out.conflicts++;
      out.conflictOffsets.push(e.off);
      return;
    }
    if (v === 3) out.late++;
    out.applied++;
    const l = load(e.id);
    const s = l.state;
    touch(e.id);
    const prof = e.rev - e.cost;
    const cnt = counts(e);
    if (e.kind === 'P') s.paymentCount += 1;
    s.revenueMinor += e.rev;
    s.costMinor += e.cost;
    s.profitMinor += prof;
    s.txCount += cnt;
    s.balanceMinor += e.bal;
    if (s.firstActivityAt < 0 || e.at < s.firstActivityAt) s.firstActivityAt = e.at;
    if (e.at > s.lastActivityAt) s.lastActivityAt = e.at;
    // the month trend is lifetime data: late events count there too
    add(e.id, l, e.monthField ?? `m:${e.month}`, e.rev, prof, cnt);
    if (!inBucket(e, v)) return;
    const b = add(e.id, l, e.dayField ?? `d:${e.day}`, e.rev, prof, cnt);
    if (!b.stored) {
      let list = newInDay.get(e.day);
      if (!list) newInDay.set(e.day, (list = []));
      list.push(e.id);
      b.stored = true;
    }
    addWindows(s, e.day, c.batchEnd, e.rev, prof, cnt, 1);
  });

  const w1 = out.writes;
  for (const g of c.dropGens) w1.push({ cmd: 'DEL', key: `tx:${g}`, args: [] });
  for (const [gen, list] of c.newTx) w1.push({ cmd: 'HSET', key: `tx:${gen}`, args: list });
  // a day's activity list: its customers' ids, each followed by a space, appended as they
  // get a bucket that day (one string per day, a tenth of a set's memory; x:<day> sets of
  // earlier versions are still read and dropped)
  for (const [day, ids] of newInDay) w1.push({ cmd: 'APPEND', key: `xs:${day}`, args: [`${ids.join(' ')} `] });

  // move the end day on: the days crossing a window edge, for the customers active on them.
  // A day's windows before and after are the same for all its customers: the moves are
  // worked out once per day, then added per customer from its bucket.
  const dayMembers = (d: number): readonly string[] => {
    const stored = members.get(d) ?? [];
    const added = newInDay.get(d);
    return added === undefined ? stored : [...new Set([...stored, ...added])];
  };
  for (const d of c.shiftDays) {
    const E0 = c.batchEnd;
    const E1 = c.newEnd;
    const r = w.rankingDays;
    const dCur = Number(d >= E1 - c1 + 1) - Number(d >= E0 - c1 + 1);
    const dPrev = Number(d >= E1 - 2 * c1 + 1 && d <= E1 - c1) - Number(d >= E0 - 2 * c1 + 1 && d <= E0 - c1);
    const dRank = Number(d >= E1 - r + 1) - Number(d >= E0 - r + 1);
    const field = `d:${d}`;
    for (const id of dayMembers(d)) {
      const l = load(id);
      touch(id);
      const b = tally(l, field);
      const st = l.state;
      if (dCur !== 0) {
        st.currentRevenueMinor += dCur * b.rev;
        st.currentProfitMinor += dCur * b.profit;
        st.currentCount += dCur * b.count;
      }
      if (dPrev !== 0) {
        st.previousRevenueMinor += dPrev * b.rev;
        st.previousProfitMinor += dPrev * b.profit;
        st.previousCount += dPrev * b.count;
      }
      if (dRank !== 0) {
        st.rankingRevenueMinor += dRank * b.rev;
        st.rankingProfitMinor += dRank * b.profit;
        st.rankingCount += dRank * b.count;
      }
    }
  }
  // drop buckets older than every window: one HDEL per customer for all its dropped days (a long
  // batch drops weeks of them, and a customer is active on many)
  const dropped = new Map<string, string[]>();
  for (const d of c.dropDays) {
    const field = `d:${d}`;
    for (const id of dayMembers(d)) {
      let fields = dropped.get(id);
      if (!fields) dropped.set(id, (fields = []));
      fields.push(field);
      cache.get(id)?.tallies.delete(field);
    }
    w1.push({ cmd: 'DEL', key: `x:${d}`, args: [] }, { cmd: 'DEL', key: `xs:${d}`, args: [] });
  }
  for (const [id, fields] of dropped) w1.push({ cmd: 'HDEL', key: `c:${id}`, args: fields });

  // write back every touched customer and queue it in the outbox
  const watermark = c.maxEvent >= 0 ? c.maxEvent - w.latenessMs : -1;
  const eventTime = Math.max(c.maxEvent, w.clockMs);
  for (const id of order) {
    const l = cache.get(id)!;
    const s = l.state;
    if (unsent === undefined || !unsent.has(id)) s.seq += 1;
    s.eventTime = eventTime;
    s.watermark = watermark;
    const packed = packState(s);
    const args = ['s', packed];
    for (const f of changed.get(id) ?? []) {
      const t = l.tallies.get(f);
      if (t === undefined) continue; // a bucket this step also dropped (older than every window by its end)
      args.push(f, packTally(t));
      t.dirty = false;
    }
    w1.push({ cmd: 'HSET', key: `c:${id}`, args });
    out.rows.push(id, packed);
    out.states.push({ ...s });
  }
  if (order.length > 0) w1.push({ cmd: 'SADD', key: 'outbox', args: order });
  w1.push({
    cmd: 'HSET',
    key: 'meta',
    args: [offset.field, String(after.applied), 'maxEventTime', String(after.maxEvent), 'endDay', String(after.endDay),
      'txGen', String(after.txGen), 'txLow', String(after.txLow)],
  });
  return out;
}
