import type { StandingConfig } from '../strategy/customer-standing';
import type { Tier } from '@tierflow/contracts/tier';
import { evaluateCustomer, type ChurnInput } from './churn-evaluator';
import type { ChurnThresholds } from './churn-types';
import type { ChurnRiskEvent } from '@tierflow/contracts/events/event-types';
import type { AggregateFigures, CustomerChurnState } from '@tierflow/contracts/keyspace/churn-watch/churn-state';
import { TimerQueue } from './timer-queue';

export type TimeMode = 'replay' | 'live';

/** A global tier change; `cause` is the CustomerAggregate that caused it, when known. */
export interface TierRecord {
  kind: 'tier';
  customerId: string;
  eventId: string;
  fromTier: Tier;
  toTier: Tier;
  cause: { customerId: string; seq: number } | null;
  /** TierChange.causeOffset: increases with a customer's changes; null from rankers of earlier versions */
  causeOffset: number | null;
}

/** One decoded input record, in topic order. */
export type ChurnRecord = { kind: 'aggregate'; customerId: string; eventId: string; agg: AggregateFigures } | TierRecord;

export interface BatchPlan {
  /** customers whose state changed, with their new state */
  states: Map<string, CustomerChurnState>;
  /** cause customers whose staged tier changes changed (empty list: none left) */
  staged: Map<string, TierRecord[]>;
  events: ChurnRiskEvent[];
  watermark: number;
  timersFired: number;
}

const MAX_TIMER_ROUNDS = 10_000;

/** Customers whose state a batch may read: its records', their causes', staged and timed ones. */
export function customersTouched(
  records: ChurnRecord[],
  staged: Map<string, TierRecord[]>,
  dueTimers: Array<{ customerId: string }>,
): string[] {
  const ids = new Set<string>();
  for (const r of records) {
    ids.add(r.customerId);
    if (r.kind === 'tier' && r.cause) ids.add(r.cause.customerId);
  }
  for (const list of staged.values()) for (const t of list) ids.add(t.customerId);
  for (const t of dueTimers) ids.add(t.customerId);
  return [...ids];
}

/**
 * Applies a batch of records and the inactivity timers they make due, in a deterministic order.
 *
 * Tier changes are applied right after the aggregate that caused them, whichever topic is read
 * first: a tier change whose cause has not been applied yet is staged under the cause's
 * customer, and applied after that customer's aggregate with seq >= the cause's (compaction may
 * have dropped the cause itself). So the interleaving of the two topics does not change the
 * result, and a replay gives the same events.
 *
 * Replay mode: time is the max watermark seen; after each record every timer whose due time the
 * watermark has passed fires, earliest first (ties by customerId), evaluated at its due time.
 * Live mode: time is the clock; timers due by the clock fire after the records.
 * `states` must hold every customer `customersTouched` names (null for one never seen).
 */
export function planBatch(params: {
  records: ChurnRecord[];
  states: Map<string, CustomerChurnState | null>;
  /** staged tier changes of the cause customers of this batch's aggregates */
  staged?: Map<string, TierRecord[]>;
  /** timers from the store due at or before the batch's highest watermark (or the clock) */
  dueTimers: Array<{ customerId: string; dueAt: number }>;
  satisfaction: Map<string, number | null>;
  watermark: number;
  timeMode: TimeMode;
  clock: number;
  thresholds: ChurnThresholds;
  standing?: StandingConfig;
}): BatchPlan {
  const current = new Map(params.states);
  const changed = new Map<string, CustomerChurnState>();
  const staged = new Map<string, TierRecord[]>([...(params.staged ?? new Map<string, TierRecord[]>())].map(([k, v]) => [k, [...v]]));
  const stagedChanged = new Map<string, TierRecord[]>();
  const timers = new TimerQueue(params.dueTimers);
  const events: ChurnRiskEvent[] = [];
  let watermark = params.watermark;
  let timersFired = 0;
  const live = params.timeMode === 'live';
  const now = () => (live ? params.clock : watermark);

  const apply = (customerId: string, input: ChurnInput, at: number) => {
    const r = evaluateCustomer({
      customerId,
      state: current.get(customerId) ?? null,
      input,
      now: at,
      watermark,
      satisfactionScore: params.satisfaction.get(customerId) ?? null,
      thresholds: params.thresholds,
      standing: params.standing,
    });
    if (!r.changed) return;
    current.set(customerId, r.state);
    changed.set(customerId, r.state);
    events.push(...r.events);
    if (r.state.timerDueAt === null) timers.delete(customerId);
    else timers.set(customerId, r.state.timerDueAt);
  };

  const applyTier = (t: TierRecord) =>
    apply(t.customerId, { kind: 'tier', eventId: t.eventId, fromTier: t.fromTier, toTier: t.toTier, causeOffset: t.causeOffset }, now());

  /** Applies the staged tier changes that the customer's aggregate `seq` has caused or passed. */
  const releaseStaged = (causeCustomerId: string, seq: number) => {
    const list = staged.get(causeCustomerId);
    if (!list || list.length === 0) return;
    const ready = list.filter((t) => (t.cause?.seq ?? 0) <= seq);
    if (ready.length === 0) return;
    const rest = list.filter((t) => (t.cause?.seq ?? 0) > seq);
    staged.set(causeCustomerId, rest);
    stagedChanged.set(causeCustomerId, rest);
    for (const t of ready) applyTier(t);
  };

  const fireDue = (until: number) => {
    for (let round = 0; round < MAX_TIMER_ROUNDS; round++) {
      const next = timers.popDue(until); // earliest first, ties by customerId
      if (!next) return;
      const state = current.get(next.customerId);
      // a stale index entry (state moved on) is dropped; the state's own due time rules
      if (!state || state.timerDueAt !== next.dueAt) continue;
      timersFired++;
      apply(next.customerId, { kind: 'timer', dueAt: next.dueAt }, live ? params.clock : next.dueAt);
    }
  };

  for (const rec of params.records) {
    if (rec.kind === 'aggregate') {
      watermark = Math.max(watermark, rec.agg.watermark);
      apply(rec.customerId, { kind: 'aggregate', eventId: rec.eventId, agg: rec.agg }, now());
      releaseStaged(rec.customerId, current.get(rec.customerId)?.agg?.seq ?? rec.agg.seq);
    } else {
      const cause = rec.cause;
      const causeSeq = cause ? (current.get(cause.customerId)?.agg?.seq ?? -1) : Infinity;
      if (cause && causeSeq < cause.seq) {
        const list = [...(staged.get(cause.customerId) ?? []), rec];
        staged.set(cause.customerId, list);
        stagedChanged.set(cause.customerId, list);
      } else {
        applyTier(rec);
      }
    }
    if (!live) fireDue(watermark);
  }
  if (live) fireDue(params.clock);
  return { states: changed, staged: stagedChanged, events, watermark, timersFired };
}

/** The highest watermark a batch can reach: which stored timers it may make due. */
export function batchHorizon(records: ChurnRecord[], watermark: number): number {
  return records.reduce((m, r) => (r.kind === 'aggregate' ? Math.max(m, r.agg.watermark) : m), watermark);
}
