/**
 * The stored form of churn-watch's per-customer state (churn-state.ts) in its state hash: a
 * JSON array of the values in a fixed order, tagged 1, without the customerId (the hash field
 * names it) and without field names: `[1, tier, downgrade, figures, signals, timerDueAt, score,
 * attractiveness, relationship, strategy, updatedAt]`, downgrade `[from, to, at]` or 0, figures
 * the AggregateFigures values in FIGURES order or 0, signals one entry per SIGNALS name (0 for
 * none, else `[active, severity, strength, notified, lastRaisedAt, lastRaisedSeverity]`, booleans
 * as 1/0), then tierOffset when there is one (states of earlier versions end before it). About a quarter of the object form, which repeated ~400 bytes of names per customer.
 * States stored in the object form by earlier versions are read as they are. Pure.
 */
import { FatalError } from '../../errors/tierflow-error';
import { SIGNALS } from '../../events/event-types';
import type { AggregateFigures, CustomerChurnState, SignalState } from './churn-state';

const TAG = 1;

/** The AggregateFigures fields, in their stored order. */
const FIGURES = [
  'seq', 'watermark', 'revenueMinor', 'profitMinor', 'txCount', 'firstActivityAt', 'lastActivityAt',
  'currentRevenueMinor', 'previousRevenueMinor', 'currentCount', 'previousCount',
] as const satisfies readonly (keyof AggregateFigures)[];

type StoredSignal = 0 | [number, SignalState['severity'], number, number, number | null, SignalState['lastRaisedSeverity']];

export function encodeChurnState(s: CustomerChurnState): string {
  const signals: StoredSignal[] = SIGNALS.map((name) => {
    const x = s.signals[name];
    return x ? [x.active ? 1 : 0, x.severity, x.strength, x.notified ? 1 : 0, x.lastRaisedAt, x.lastRaisedSeverity] : 0;
  });
  const d = s.downgrade;
  return JSON.stringify([
    TAG, s.tier, d ? [d.fromTier, d.toTier, d.at] : 0, s.agg ? FIGURES.map((f) => (s.agg as AggregateFigures)[f]) : 0, signals,
    s.timerDueAt, s.score, s.attractiveness, s.relationship, s.strategy, s.updatedAt, ...(s.tierOffset !== undefined ? [s.tierOffset] : []),
  ]);
}

export function decodeChurnState(customerId: string, raw: string): CustomerChurnState {
  const v = JSON.parse(raw) as unknown;
  if (!Array.isArray(v)) {
    if (v !== null && typeof v === 'object' && 'customerId' in v) return v as CustomerChurnState;
    throw new FatalError('BAD_SNAPSHOT', `bad churn state for ${customerId}: ${raw.slice(0, 80)}`);
  }
  if (v[0] !== TAG || (v.length !== 11 && v.length !== 12)) throw new FatalError('BAD_SNAPSHOT', `unknown churn state format for ${customerId}: ${raw.slice(0, 80)}`);
  const [, tier, d, figures, stored, timerDueAt, score, attractiveness, relationship, strategy, updatedAt, tierOffset] = v as [
    number, CustomerChurnState['tier'], 0 | [CustomerChurnState['tier'], CustomerChurnState['tier'], number], 0 | number[], StoredSignal[],
    number | null, number, CustomerChurnState['attractiveness'], CustomerChurnState['relationship'], string, number, number | undefined,
  ];
  const signals: CustomerChurnState['signals'] = {};
  SIGNALS.forEach((name, i) => {
    const x = stored[i];
    if (!x) return;
    signals[name] = { active: x[0] === 1, severity: x[1], strength: x[2], notified: x[3] === 1, lastRaisedAt: x[4], lastRaisedSeverity: x[5] };
  });
  let agg: AggregateFigures | null = null;
  if (figures) {
    const a: Record<string, number> = {};
    FIGURES.forEach((f, i) => (a[f] = figures[i] as number));
    agg = a as unknown as AggregateFigures;
  }
  return {
    customerId, tier, downgrade: d ? { fromTier: d[0], toTier: d[1], at: d[2] } : null, agg, signals,
    timerDueAt, score, attractiveness, relationship, strategy, updatedAt, ...(typeof tierOffset === 'number' ? { tierOffset } : {}),
  };
}
