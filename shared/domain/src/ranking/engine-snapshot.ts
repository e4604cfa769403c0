import { FatalError } from '@tierflow/contracts/errors/tierflow-error';
import type { Slot } from './customer-table';
import type { ScopeRanking } from './scope-ranking';
import type { TierEngine } from './tier-engine';
import { nextPublished, tierFromRank } from './tier-rules';
import { tierCodeOf as code, parseRecordTime as parseTime, type CustomerSnapshot } from '@tierflow/contracts/keyspace/ranker/customer-record';
import { regionScopeName, UNASSIGNED_REGION } from '@tierflow/contracts/scopes/scope';

/**
 * The rebuild of an engine from the ranker's stored customer records (their format is the
 * keyspace's: contracts/keyspace/ranker/customer-record.ts). Pure.
 */

/** The snapshot of one customer (by handle). */
export function snapshotOf(engine: TierEngine, h: number): CustomerSnapshot {
  const t = engine.customers;
  const regionScope = t.regionOf(h) >= 0 ? engine.scopes[t.regionOf(h)] : undefined;
  const tiers = ([0, 1] as const).map((s) => [t.rawOf(h, s), t.pubOf(h, s), t.pubAt[s][h]]) as CustomerSnapshot['tiers'];
  return {
    customerId: t.idOf(h),
    seq: t.seqOf(h),
    basis: t.basisOf(h),
    region: regionScope ? regionScope.name.slice('region:'.length) : null,
    tiers,
  };
}

/**
 * Loads snapshots into a fresh engine: adds the customers, sorts each scope once and bulk-loads
 * its index, then recomputes boundaries, published counts and the dwell waiting list.
 */
export function restoreEngine(engine: TierEngine, snapshots: Iterable<CustomerSnapshot>): void {
  const restore = beginRestore(engine);
  for (const s of snapshots) restore.add(s);
  restore.finish();
}

/** Streaming restore: add snapshots as they are read (no array of all of them), then finish. */
export function beginRestore(engine: TierEngine): {
  add: (s: CustomerSnapshot) => void;
  addEncoded: (customerId: string, text: string) => void;
  finish: () => void;
} {
  const t = engine.customers;
  if (t.size > 0) throw new FatalError('NOT_EMPTY', 'restore needs a fresh engine');
  const members = new Map<ScopeRanking, number[]>();
  const join = (scope: ScopeRanking, h: number) => {
    let list = members.get(scope);
    if (!list) members.set(scope, (list = []));
    list.push(h);
  };
  const regions = engine.params.regions !== false;
  const add = (s: CustomerSnapshot) => {
    const h = t.add(s.customerId);
    t.setSeq(h, s.seq);
    t.setBasis(h, s.basis);
    for (const slot of [0, 1] as const) t.setTiers(h, slot, s.tiers[slot][0], s.tiers[slot][1], s.tiers[slot][2]);
    join(engine.global, h);
    if (regions) {
      const scope = engine.scope(regionScopeName(s.region ?? UNASSIGNED_REGION));
      t.setRegion(h, scope.ordinal);
      join(scope, h);
    }
  };
  /** Parses encodeSnapshot's text straight into the table (the fast path of a rebuild). */
  const addEncoded = (customerId: string, text: string) => {
    if (t.handleOf(customerId) !== undefined) return; // HSCAN may return a field twice
    const cut: number[] = [];
    let from = 0;
    for (let i = 0; i < 8; i++) {
      const at = text.indexOf('|', from);
      if (at < 0) {
        throw new FatalError('BAD_SNAPSHOT', `bad ranker record for ${customerId}: ${text}`);
      }
      cut.push(at);
      from = at + 1;
    }
    const part = (i: number) => text.slice(i === 0 ? 0 : (cut[i - 1] as number) + 1, cut[i]);
    const h = t.add(customerId);
    t.setSeq(h, Number(part(0)));
    t.setBasis(h, Number(part(1)));
    for (const slot of [0, 1] as const) {
      const base = slot * 3 + 2;
      t.setTiers(h, slot, code(part(base)), code(part(base + 1)), parseTime(part(base + 2)));
    }
    join(engine.global, h);
    if (regions) {
      const region = text.slice((cut[7] as number) + 1);
      const scope = engine.scope(regionScopeName(region === '' ? UNASSIGNED_REGION : region));
      t.setRegion(h, scope.ordinal);
      join(scope, h);
    }
  };
  const finish = () => {
    const ids = t.ids;
    const basis = t.bases();
    for (const [scope, list] of members) {
      const hs = Int32Array.from(list);
      hs.sort((x, y) => {
        const bx = basis[x] as number;
        const by = basis[y] as number;
        if (bx !== by) return by - bx;
        return (ids[x] as string) < (ids[y] as string) ? -1 : 1;
      });
      const bs = new Float64Array(hs.length);
      let positives = 0;
      for (let i = 0; i < hs.length; i++) {
        const b = basis[hs[i] as number] as number;
        bs[i] = b;
        if (b > 0) positives++;
      }
      scope.index.loadSorted(hs, bs, hs.length);
      scope.positives = positives;
      scope.computeBounds();
      countAndPend(engine, scope, hs);
    }
  };
  return { add, addEncoded, finish };
}

function countAndPend(engine: TierEngine, scope: ScopeRanking, ordered: Int32Array): void {
  const t = engine.customers;
  const slot: Slot = scope.slot;
  const rules = engine.rules;
  const k = scope.bounds;
  for (let r = 0; r < ordered.length; r++) {
    const h = ordered[r] as number;
    const pub = t.pubOf(h, slot);
    if (pub < 2) scope.publishedCount[pub] = (scope.publishedCount[pub] as number) + 1;
    if (rules.minDwellMs <= 0 || pub === t.rawOf(h, slot)) continue;
    const strict = tierFromRank(r, k[2] as number, k[3] as number);
    const lenient = tierFromRank(r, k[4] as number, k[5] as number);
    if (nextPublished(pub, strict, lenient) !== pub) {
      // held back by the dwell when it was evaluated: waits for its unlock time
      scope.pending.set(h, (t.pubAt[slot][h] as number) + rules.minDwellMs);
    }
  }
}
