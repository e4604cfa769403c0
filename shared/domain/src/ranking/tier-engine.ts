import { FatalError } from '@tierflow/contracts/errors/tierflow-error';
import { CustomerTable } from './customer-table';
import { DirtyLog } from './dirty-log';
import { ScopeRanking } from './scope-ranking';
import { GLOBAL_SCOPE, UNASSIGNED_REGION, regionScopeName } from '@tierflow/contracts/scopes/scope';
import type { TierChange, TierChangeReason } from '@tierflow/contracts/events/event-types';
import { buildTierChange } from './tier-change-builder';
import type { RankUpdate } from './rank-update';
import { dwellAllows, nextPublished, tierFromRank, validateRules, type TierRules } from './tier-rules';
import type { TierCode } from '@tierflow/contracts/tier';

/** A (scope, customer) pair whose tier state changed, for the store to write. */
export interface DirtyEntry {
  scope: ScopeRanking;
  handle: number;
}

type Op = 0 | 1 | 2;
const OP_INSERT: Op = 0;
const OP_REMOVE: Op = 1;
const OP_MOVE: Op = 2;

interface ApplyContext {
  update: RankUpdate;
  subject: number;
  /** NO_CHANGES until the update's first tier change (most updates have none) */
  out: TierChange[];
}

/** apply()'s answer when an update changes no published tier (shared, never written to). */
const NO_CHANGES: TierChange[] = Object.freeze([]) as unknown as TierChange[];

const NO_UPDATE: RankUpdate = { customerId: '', seq: 0, eventTime: 0, basis: 0, causeEventId: '' };

/**
 * Exact incremental Pareto tiers for a global scope and one scope per region. Each update
 * is O(log N) plus O(log N) per customer whose tier changes: after an index change, only the
 * ranks next to the old and new boundary positions can change tier, because every other
 * customer's rank moves by at most one. Emits one TierChange per published-tier change.
 * Pure: no I/O.
 */
export class TierEngine {
  readonly customers = new CustomerTable();
  readonly scopes: ScopeRanking[] = [];
  private readonly scopeByName = new Map<string, ScopeRanking>();
  private readonly before = new Float64Array(6);
  /** boundary ranges to walk: start and end rank, and the boundary (cursor) of each */
  private readonly ivLo = new Float64Array(6);
  private readonly ivHi = new Float64Array(6);
  private readonly ivCursor = new Int32Array(6);
  private candH = new Int32Array(64);
  private candR = new Float64Array(64);
  private nCand = 0;
  private readonly collectFn = (h: number, _b: number, r: number) => this.collect(h, r);
  private readonly dirty = new DirtyLog();
  /** the update being applied: one context reused by every apply (no allocation per update) */
  private readonly ctx: ApplyContext = { update: NO_UPDATE, subject: -1, out: NO_CHANGES };
  /** handle of the customer of the last apply() that was not stale */
  lastHandle = -1;
  readonly global: ScopeRanking;
  private readonly hysteresis: boolean;

  constructor(
    readonly params: {
      rules: TierRules;
      configVersion: string;
      /** keep per-region scopes (default true) */
      regions?: boolean;
      indexShape?: { leafCapacity?: number; fanout?: number };
    },
  ) {
    validateRules(params.rules);
    this.hysteresis = params.rules.margin > 0 || params.rules.minDwellMs > 0;
    this.global = this.scope(GLOBAL_SCOPE);
  }

  get rules(): TierRules {
    return this.params.rules;
  }

  /** The scope of this name, created empty on first use. */
  scope(name: string): ScopeRanking {
    let s = this.scopeByName.get(name);
    if (!s) {
      s = new ScopeRanking(name, name === GLOBAL_SCOPE ? 0 : 1, this.customers.ids, this.params.rules, this.params.indexShape);
      s.ordinal = this.scopes.length;
      this.scopes.push(s);
      this.scopeByName.set(name, s);
    }
    return s;
  }

  findScope(name: string): ScopeRanking | undefined {
    return this.scopeByName.get(name);
  }

  private regionScopeOf(region: string | null | undefined): ScopeRanking | null {
    if (this.params.regions === false) return null;
    return this.scope(regionScopeName(region && region.length > 0 ? region : UNASSIGNED_REGION));
  }

  /**
   * Applies one update; returns its tier changes (a shared empty array when none: do not write
   * to it), or null when its seq is not new.
   */
  apply(update: RankUpdate): readonly TierChange[] | null {
    if (!Number.isFinite(update.basis)) {
      throw new FatalError('BAD_INPUT', `basis of ${update.customerId} is not finite`);
    }
    const t = this.customers;
    let h = t.handleOf(update.customerId);
    if (h !== undefined && !(update.seq > t.seqOf(h))) return null;
    const target = this.regionScopeOf(update.region);
    const ctx = this.ctx;
    ctx.update = update;
    ctx.out = NO_CHANGES;
    if (h === undefined) {
      h = t.add(update.customerId);
      ctx.subject = h;
      t.setBasis(h, update.basis);
      this.change(this.global, ctx, OP_INSERT, 0, update.basis);
      if (target) {
        t.setRegion(h, target.ordinal);
        this.change(target, ctx, OP_INSERT, 0, update.basis);
      }
    } else {
      ctx.subject = h;
      const oldBasis = t.basisOf(h);
      const newBasis = update.basis;
      // -1 when region scopes are off (never set)
      const regionOrdinal = t.regionOf(h);
      const current = regionOrdinal >= 0 ? (this.scopes[regionOrdinal] as ScopeRanking) : null;
      t.setBasis(h, newBasis);
      if (oldBasis !== newBasis) {
        this.change(this.global, ctx, OP_MOVE, oldBasis, newBasis);
      }
      if (current === target) {
        if (current && oldBasis !== newBasis) {
          this.change(current, ctx, OP_MOVE, oldBasis, newBasis);
        }
      } else {
        if (current) this.change(current, ctx, OP_REMOVE, oldBasis, 0);
        if (target) {
          t.setRegion(h, target.ordinal);
          this.change(target, ctx, OP_INSERT, 0, newBasis);
        }
      }
    }
    t.setSeq(h, update.seq);
    if (this.params.rules.minDwellMs > 0) this.releaseDwell(ctx);
    this.lastHandle = h;
    const out = ctx.out;
    ctx.update = NO_UPDATE;
    ctx.out = NO_CHANGES;
    return out;
  }

  /**
   * Runs one index change in a scope and re-evaluates exactly the customers that can change
   * tier: the subject, and the ranks in [min(k0, k1) - 1, max(k0, k1)] around each boundary.
   */
  private change(scope: ScopeRanking, ctx: ApplyContext, op: Op, oldBasis: number, newBasis: number): void {
    const k0 = this.before;
    k0.set(scope.bounds);
    const subject = ctx.subject;
    let subjectRank = -1;
    if (op !== OP_INSERT) scope.remove(subject, oldBasis);
    if (op !== OP_REMOVE) subjectRank = scope.insert(subject, newBasis);
    const k1 = scope.computeBounds();
    this.nCand = 0;
    this.collectAround(scope, k0, k1);
    if (subjectRank >= 0) this.addSubject(subject, subjectRank);
    const n = this.nCand;
    const reason: TierChangeReason = op === OP_INSERT ? 'SCOPE_JOIN' : 'BASIS_CHANGE';
    for (let c = 0; c < n; c++) {
      const h = this.candH[c] as number;
      this.evaluate(scope, h, this.candR[c] as number, ctx, h === subject ? reason : 'BOUNDARY_SHIFT');
    }
    if (op === OP_REMOVE) this.leave(scope, ctx);
  }

  /**
   * Collects, in rank order and each once, the members at ranks [min(k0, k1) - 1, max(k0, k1)]
   * of every boundary: the ranges are merged first, so no rank is read twice.
   */
  private collectAround(scope: ScopeRanking, k0: Float64Array, k1: Float64Array): void {
    const idx = scope.index;
    const lo = this.ivLo;
    const hi = this.ivHi;
    const cur = this.ivCursor;
    let m = 0;
    const nBounds = this.params.rules.margin > 0 ? 6 : 2;
    for (let j = 0; j < nBounds; j++) {
      const a = k0[j] as number;
      const b = k1[j] as number;
      if (j >= 2 && a === k0[j - 2] && b === k1[j - 2]) continue;
      const l = Math.max(0, Math.min(a, b) - 1);
      const r = Math.min(idx.size - 1, Math.max(a, b));
      if (l > r) continue;
      // insertion by start rank (at most six ranges)
      let i = m++;
      while (i > 0 && (lo[i - 1] as number) > l) {
        lo[i] = lo[i - 1] as number;
        hi[i] = hi[i - 1] as number;
        cur[i] = cur[i - 1] as number;
        i--;
      }
      lo[i] = l;
      hi[i] = r;
      cur[i] = j;
    }
    let i = 0;
    while (i < m) {
      const from = lo[i] as number;
      let to = hi[i] as number;
      // a boundary search left its cursor at the rank where this walk starts: no descent
      let cursor = scope.cursors[cur[i] as number];
      for (i++; i < m && (lo[i] as number) <= to + 1; i++) {
        to = Math.max(to, hi[i] as number);
        if (cursor?.rank !== from) cursor = scope.cursors[cur[i] as number];
      }
      idx.forRange(from, to - from + 1, this.collectFn, cursor);
    }
  }

  /** Adds the subject at its rank unless a boundary range already collected it. */
  private addSubject(h: number, r: number): void {
    let i = this.nCand;
    const hs = this.candH;
    const rs = this.candR;
    for (let c = 0; c < i; c++) if (rs[c] === r) return;
    this.collect(h, r);
    while (i > 0 && (rs[i - 1] as number) > r) {
      hs[i] = hs[i - 1] as number;
      rs[i] = rs[i - 1] as number;
      i--;
    }
    hs[i] = h;
    rs[i] = r;
  }

  private collect(h: number, r: number): void {
    if (this.nCand === this.candH.length) {
      const hs = new Int32Array(this.candH.length * 2);
      hs.set(this.candH);
      const rs = new Float64Array(this.candR.length * 2);
      rs.set(this.candR);
      this.candH = hs;
      this.candR = rs;
    }
    this.candH[this.nCand] = h;
    this.candR[this.nCand] = r;
    this.nCand++;
  }

  /** Recomputes one member's raw and published tier at rank r; emits when published changes. */
  private evaluate(scope: ScopeRanking, h: number, r: number, ctx: ApplyContext, reason: TierChangeReason): void {
    const t = this.customers;
    const slot = scope.slot;
    const k = scope.bounds;
    const raw = tierFromRank(r, k[0] as number, k[1] as number);
    const rawBefore = t.rawOf(h, slot);
    const pub = t.pubOf(h, slot);
    let target: TierCode = raw;
    if (this.hysteresis) {
      target = nextPublished(pub, tierFromRank(r, k[2] as number, k[3] as number), tierFromRank(r, k[4] as number, k[5] as number));
    }
    if (raw !== rawBefore) {
      t.setRaw(h, slot, raw);
      this.dirty.add(scope.ordinal, h);
    } else if (h === ctx.subject) {
      this.dirty.add(scope.ordinal, h);
    }
    if (target === pub) {
      if (scope.pending.size > 0) scope.pending.delete(h);
      return;
    }
    const now = ctx.update.eventTime;
    if (!dwellAllows(this.params.rules, t.pubAt[slot][h] as number, now)) {
      scope.pending.set(h, (t.pubAt[slot][h] as number) + this.params.rules.minDwellMs);
      return;
    }
    scope.pending.delete(h);
    this.publish(scope, h, pub, target, now);
    if (raw === rawBefore && h !== ctx.subject) this.dirty.add(scope.ordinal, h);
    this.emit(ctx, this.tierChange(ctx, scope, h, r, pub, target, reason));
  }

  private publish(scope: ScopeRanking, h: number, from: TierCode, to: TierCode, now: number): void {
    const slot = scope.slot;
    this.customers.setPub(h, slot, to);
    this.customers.pubAt[slot][h] = now;
    if (from < 2) scope.publishedCount[from] = (scope.publishedCount[from] as number) - 1;
    if (to < 2) scope.publishedCount[to] = (scope.publishedCount[to] as number) + 1;
  }

  /** The subject left the scope: there it is C at once (no dwell: it is no longer a member). */
  private leave(scope: ScopeRanking, ctx: ApplyContext): void {
    const t = this.customers;
    const h = ctx.subject;
    const slot = scope.slot;
    const pub = t.pubOf(h, slot);
    t.setRaw(h, slot, 2);
    scope.pending.delete(h);
    this.dirty.add(scope.ordinal, h);
    if (pub !== 2) {
      this.publish(scope, h, pub, 2, ctx.update.eventTime);
      this.emit(ctx, this.tierChange(ctx, scope, h, null, pub, 2, 'SCOPE_LEAVE'));
    }
    t.pubAt[slot][h] = -Infinity;
  }

  /** Re-evaluates, in customerId order, the held-back changes whose dwell has elapsed. */
  private releaseDwell(ctx: ApplyContext): void {
    const now = ctx.update.eventTime;
    for (const scope of this.scopes) {
      if (scope.pending.size === 0) continue;
      const due: number[] = [];
      for (const [h, unlockAt] of scope.pending) if (unlockAt <= now) due.push(h);
      if (due.length === 0) continue;
      const ids = this.customers.ids;
      due.sort((x, y) => ((ids[x] as string) < (ids[y] as string) ? -1 : 1));
      for (const h of due) {
        scope.pending.delete(h);
        const r = scope.index.rankOf(h, this.customers.basisOf(h));
        const subject = ctx.subject;
        ctx.subject = -1;
        this.evaluate(scope, h, r, ctx, 'DWELL_ELAPSED');
        ctx.subject = subject;
      }
    }
  }

  private emit(ctx: ApplyContext, change: TierChange): void {
    if (ctx.out === NO_CHANGES) ctx.out = [];
    ctx.out.push(change);
  }

  private tierChange(ctx: ApplyContext, scope: ScopeRanking, h: number, r: number | null, from: TierCode, to: TierCode, reason: TierChangeReason): TierChange {
    return buildTierChange(this.customers, this.params.rules, this.params.configVersion, ctx.update, scope, h, r, from, to, reason);
  }

  /** The (scope, customer) pairs changed since the last call, de-duplicated, in order. */
  drainDirty(): DirtyEntry[] {
    return this.dirty.drain(this.scopes);
  }

  /** The exact (raw) tier of a member at its current rank: one O(log N) rank query. */
  tierOfHandle(scope: ScopeRanking, h: number): TierCode {
    const r = scope.index.rankOf(h, this.customers.basisOf(h));
    return tierFromRank(r, scope.bounds[0] as number, scope.bounds[1] as number);
  }

  /** Whether the customer (by handle) is ranked in the scope. */
  isMember(scope: ScopeRanking, h: number): boolean {
    return scope.slot === 0 || this.scopes[this.customers.regionOf(h)] === scope;
  }

  /** A customer's state in a scope (for readers and tests); null when not a member. */
  view(scopeName: string, customerId: string): { rank: number; raw: TierCode; published: TierCode } | null {
    const scope = this.scopeByName.get(scopeName);
    const h = this.customers.handleOf(customerId);
    if (!scope || h === undefined) return null;
    if (scope.slot === 1 && this.scopes[this.customers.regionOf(h)] !== scope) return null;
    const rank = scope.index.rankOf(h, this.customers.basisOf(h));
    return { rank, raw: this.customers.rawOf(h, scope.slot), published: this.customers.pubOf(h, scope.slot) };
  }
}
