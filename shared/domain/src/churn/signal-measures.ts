import { usualGapMs } from '../strategy/customer-standing';
import type { Tier } from '@tierflow/contracts/tier';
import { DAY_MS, type ChurnThresholds } from './churn-types';
import type { SignalMeasure } from '@tierflow/contracts/events/event-types';
import type { CustomerChurnState } from '@tierflow/contracts/keyspace/churn-watch/churn-state';

const pct = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;
const days = (ms: number) => `${Math.round((ms / DAY_MS) * 10) / 10} d`;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/** Current vs previous window revenue. Strength = the drop ratio. */
export function measureDecline(state: CustomerChurnState, t: ChurnThresholds): SignalMeasure {
  const a = state.agg;
  const previous = a?.previousRevenueMinor ?? 0;
  const current = a?.currentRevenueMinor ?? 0;
  const drop = previous > 0 ? clamp01(1 - current / previous) : 0;
  const active = previous >= t.declineMinPreviousMinor && previous > 0 && drop >= t.declineRatio;
  return {
    signal: 'REVENUE_DECLINE',
    active,
    strength: active ? drop : 0,
    summary:
      previous > 0
        ? `window revenue ${current} vs ${previous} before: ${pct(drop)} drop (threshold ${pct(t.declineRatio)}, minimum previous ${t.declineMinPreviousMinor})`
        : 'no revenue in the previous window',
    figures: {
      currentRevenueMinor: current,
      previousRevenueMinor: previous,
      dropRatio: drop,
      thresholdRatio: t.declineRatio,
      minPreviousRevenueMinor: t.declineMinPreviousMinor,
    },
  };
}

/**
 * The silence after which a customer counts as inactive: max(floor, factor x usual gap), capped,
 * in whole milliseconds (rounded up): every time derived from it (a timer's due time, an event's
 * eventTime) is then a whole millisecond, as the Avro longs that carry them must be.
 */
export function inactivityThresholdMs(state: CustomerChurnState, t: ChurnThresholds): number {
  const gap = state.agg ? usualGapMs(state.agg) : null;
  const byGap = gap === null ? 0 : gap * t.inactivityGapFactor;
  return Math.ceil(Math.max(1, Math.min(t.inactivityCapMs, Math.max(t.inactivityFloorMs, byGap))));
}

/**
 * Silence since the last transaction against the threshold. Strength 0.5 at the threshold
 * (MEDIUM), rising linearly to 1 at twice the threshold (HIGH from 1.5x).
 */
export function measureInactivity(state: CustomerChurnState, now: number, t: ChurnThresholds): SignalMeasure {
  const a = state.agg;
  const threshold = inactivityThresholdMs(state, t);
  const silent = a ? Math.max(0, now - a.lastActivityAt) : 0;
  const active = a !== null && silent >= threshold;
  const strength = active ? clamp01(0.5 + (0.5 * (silent - threshold)) / threshold) : 0;
  return {
    signal: 'INACTIVITY',
    active,
    strength,
    summary: a
      ? `no transaction for ${days(silent)} (threshold ${days(threshold)}; usual gap ${days(usualGapMs(a) ?? 0)})`
      : 'no activity known',
    figures: {
      silentMs: silent,
      thresholdMs: threshold,
      usualGapMs: a ? (usualGapMs(a) ?? 0) : 0,
      lastActivityAt: a?.lastActivityAt ?? 0,
    },
  };
}

/** The next time the inactivity measure changes severity, for the timer; null when none. */
export function nextInactivityCheck(state: CustomerChurnState, now: number, t: ChurnThresholds): number | null {
  const a = state.agg;
  if (!a) return null;
  const threshold = inactivityThresholdMs(state, t);
  // whole milliseconds (the due time becomes a ChurnRisk's eventTime, an Avro long)
  const raiseAt = Math.ceil(a.lastActivityAt + threshold);
  const highAt = Math.ceil(a.lastActivityAt + threshold * 1.5);
  if (now < raiseAt) return raiseAt;
  if (now < highAt) return highAt;
  return null;
}

/** Current vs previous window transaction count. Strength = the drop ratio. */
export function measureFrequency(state: CustomerChurnState, t: ChurnThresholds): SignalMeasure {
  const previous = state.agg?.previousCount ?? 0;
  const current = state.agg?.currentCount ?? 0;
  const drop = previous > 0 ? clamp01(1 - current / previous) : 0;
  const active = previous >= t.frequencyMinPreviousCount && drop >= t.frequencyDropRatio;
  return {
    signal: 'FREQUENCY_DROP',
    active,
    strength: active ? drop : 0,
    summary: `${current} transactions in the window vs ${previous} before: ${pct(drop)} drop (threshold ${pct(t.frequencyDropRatio)}, minimum previous ${t.frequencyMinPreviousCount})`,
    figures: {
      currentCount: current,
      previousCount: previous,
      dropRatio: drop,
      thresholdRatio: t.frequencyDropRatio,
      minPreviousCount: t.frequencyMinPreviousCount,
    },
  };
}

const TIER_LEVEL: Record<Tier, number> = { A: 0, B: 1, C: 2 };

/** Strength of a downgrade: one step 0.5 (MEDIUM), A to C 1.0 (HIGH). */
export function downgradeStrength(fromTier: Tier, toTier: Tier): number {
  const steps = TIER_LEVEL[toTier] - TIER_LEVEL[fromTier];
  return steps <= 0 ? 0 : steps >= 2 ? 1 : 0.5;
}

/** Active from a global downgrade out of a key tier until the customer is back in that tier. */
export function measureDowngrade(state: CustomerChurnState): SignalMeasure {
  const d = state.downgrade;
  const active = d !== null && TIER_LEVEL[state.tier] > TIER_LEVEL[d.fromTier];
  return {
    signal: 'TIER_DOWNGRADE',
    active,
    strength: active && d ? downgradeStrength(d.fromTier, state.tier) : 0,
    summary: d ? `tier ${d.fromTier} -> ${state.tier} (downgraded to ${d.toTier})` : `tier ${state.tier}, no downgrade`,
    figures: d
      ? { fromTierLevel: TIER_LEVEL[d.fromTier], tierLevel: TIER_LEVEL[state.tier], downgradedAt: d.at }
      : { tierLevel: TIER_LEVEL[state.tier] },
  };
}

export function tierLevel(tier: Tier): number {
  return TIER_LEVEL[tier];
}
