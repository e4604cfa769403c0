import { customerStanding, defaultStandingConfig, type StandingConfig } from '../strategy/customer-standing';
import type { Tier } from '@tierflow/contracts/tier';
import { SEVERITY_RANK, severityOf, type ChurnThresholds } from './churn-types';
import { SIGNALS, type ChurnRiskEvent, type ChurnSignal, type ChurnStatus, type Severity, type SignalMeasure } from '@tierflow/contracts/events/event-types';
import { type AggregateFigures, type CustomerChurnState, type SignalState } from '@tierflow/contracts/keyspace/churn-watch/churn-state';
import {
  measureDecline,
  measureDowngrade,
  measureFrequency,
  measureInactivity,
  nextInactivityCheck,
  tierLevel,
} from './signal-measures';
import { copyChurnState } from './churn-state-copy';

/** What makes churn-watch look at a customer again. */
export type ChurnInput =
  | { kind: 'aggregate'; eventId: string; agg: AggregateFigures }
  | { kind: 'tier'; eventId: string; fromTier: Tier; toTier: Tier; causeOffset: number | null }
  | { kind: 'timer'; dueAt: number };

export interface Evaluation {
  state: CustomerChurnState;
  events: ChurnRiskEvent[];
  /** false when the input was stale (an aggregate seq already seen, a tier change already applied) and nothing changed */
  changed: boolean;
}

export function emptyChurnState(customerId: string, now: number): CustomerChurnState {
  return {
    customerId,
    tier: 'C',
    downgrade: null,
    agg: null,
    signals: {},
    timerDueAt: null,
    score: 0,
    attractiveness: 'LOW',
    relationship: 'AVERAGE',
    strategy: defaultStandingConfig.matrix.LOW.AVERAGE,
    updatedAt: now,
  };
}

function applyInput(state: CustomerChurnState, input: ChurnInput, now: number, t: ChurnThresholds): boolean {
  if (input.kind === 'aggregate') {
    if (state.agg && input.agg.seq <= state.agg.seq) return false;
    state.agg = { ...input.agg };
    return true;
  }
  if (input.kind === 'tier') {
    // a tier change delivered again (the ranker's outbox is at least once) is applied once:
    // applied again after a later change it would undo that one (and repeat its event's id).
    // A customer's changes carry increasing causeOffsets, so one number says which were applied
    if (input.causeOffset !== null) {
      if (state.tierOffset !== undefined && input.causeOffset <= state.tierOffset) return false;
      state.tierOffset = input.causeOffset;
    }
    // the ranker's own fromTier: right even when churn-watch starts after earlier changes
    const from = input.fromTier;
    const to = input.toTier;
    state.tier = to;
    if (tierLevel(to) > tierLevel(from) && t.keyTiers.includes(from)) {
      // keep the highest tier left, so A -> B -> C escalates one downgrade
      const fromTier = state.downgrade && tierLevel(state.downgrade.fromTier) < tierLevel(from) ? state.downgrade.fromTier : from;
      state.downgrade = { fromTier, toTier: to, at: now };
    } else if (state.downgrade && tierLevel(to) <= tierLevel(state.downgrade.fromTier)) {
      state.downgrade = null;
    }
    return true;
  }
  return true;
}

function measureAll(state: CustomerChurnState, now: number, t: ChurnThresholds): SignalMeasure[] {
  return [measureDecline(state, t), measureInactivity(state, now, t), measureFrequency(state, t), measureDowngrade(state)];
}

function triggerOf(input: ChurnInput): string {
  return input.kind === 'timer' ? `timer:${input.dueAt}` : input.eventId;
}

type Transition = { signal: ChurnSignal; status: ChurnStatus; severity: Severity };

/**
 * Applies one signal's new measure to its state under the cool-down rule: a signal that turns
 * active is RAISED unless a RAISED of the same or higher severity went out less than the
 * cool-down ago (then it is held, and raised once the cool-down ends or the severity rises);
 * an active signal whose severity rises above the last raised one is RAISED again; a raised
 * signal that clears is RESOLVED.
 */
function step(
  previous: SignalState | undefined,
  active: boolean,
  strength: number,
  now: number,
  cooldownMs: number,
): { next: SignalState | undefined; status: ChurnStatus | null } {
  const severity = severityOf(strength);
  if (!active) {
    if (!previous?.active) return { next: previous, status: null };
    return { next: { ...previous, active: false, strength: 0, notified: false }, status: previous.notified ? 'RESOLVED' : null };
  }
  const next: SignalState = previous
    ? { ...previous, active: true, severity, strength }
    : { active: true, severity, strength, notified: false, lastRaisedAt: null, lastRaisedSeverity: null };
  const inCooldown = next.lastRaisedAt !== null && now < next.lastRaisedAt + cooldownMs;
  const rises = next.lastRaisedSeverity === null || SEVERITY_RANK[severity] > SEVERITY_RANK[next.lastRaisedSeverity];
  const wasActive = previous?.active === true;
  const raise = wasActive && next.notified ? rises : rises || !inCooldown;
  if (!raise) return { next, status: null };
  next.notified = true;
  next.lastRaisedAt = now;
  next.lastRaisedSeverity = severity;
  return { next, status: 'RAISED' };
}

/**
 * Evaluates one customer after one input. Pure: the state passed in is not mutated.
 * `now` is the evaluation time (the max watermark in replay mode, the clock in live mode).
 */
export function evaluateCustomer(params: {
  customerId: string;
  state: CustomerChurnState | null;
  input: ChurnInput;
  now: number;
  watermark: number;
  satisfactionScore: number | null;
  thresholds: ChurnThresholds;
  standing?: StandingConfig;
}): Evaluation {
  const { now, thresholds: t } = params;
  const state: CustomerChurnState = params.state
    ? copyChurnState(params.state)
    : emptyChurnState(params.customerId, now);
  if (!applyInput(state, params.input, now, t)) return { state, events: [], changed: false };

  const isKey = t.keyTiers.includes(state.tier);
  const tenureOk = state.agg !== null && now - state.agg.firstActivityAt >= t.minTenureMs;
  const measures = measureAll(state, now, t);
  const transitions: Transition[] = [];
  for (const m of measures) {
    const previous = state.signals[m.signal];
    // a key account past its minimum tenure can be flagged (a downgrade counts from the tier it
    // left); anyone's raised signal can still clear
    const eligible = tenureOk && (m.signal === 'TIER_DOWNGRADE' ? state.downgrade !== null : isKey);
    const active = m.active && (eligible || previous?.active === true);
    m.active = active;
    if (!active) m.strength = 0;
    const { next, status } = step(previous, active, m.strength, now, t.cooldownMs);
    if (next) state.signals[m.signal] = next;
    if (status) {
      const severity = status === 'RESOLVED' ? (previous?.lastRaisedSeverity ?? previous?.severity ?? 'LOW') : (next?.severity ?? 'LOW');
      transitions.push({ signal: m.signal, status, severity });
    }
  }

  state.score = 1 - SIGNALS.reduce((p, s) => p * (1 - (state.signals[s]?.active ? (state.signals[s]?.strength ?? 0) : 0)), 1);
  state.score = Math.round(state.score * 1e6) / 1e6;
  const standing = customerStanding({
    tier: state.tier,
    figures: state.agg,
    satisfactionScore: params.satisfactionScore,
    now,
    config: params.standing,
  });
  state.attractiveness = standing.attractiveness;
  state.relationship = standing.relationship;
  state.strategy = standing.strategy;
  const due = isKey ? nextInactivityCheck(state, now, t) : null;
  state.timerDueAt = due === null || !state.agg ? due : Math.ceil(Math.max(due, state.agg.firstActivityAt + t.minTenureMs));
  state.updatedAt = now;

  const trigger = triggerOf(params.input);
  const events = transitions.map(
    (tr): ChurnRiskEvent => ({
      eventId: `churn:${state.customerId}:${tr.signal}:${tr.status}:${trigger}`,
      customerId: state.customerId,
      signal: tr.signal,
      status: tr.status,
      severity: tr.severity,
      score: state.score,
      tier: state.tier,
      trigger,
      eventTime: now,
      watermark: params.watermark,
      explanation: measures.map((m) => ({ ...m, figures: { ...m.figures } })),
      attractiveness: state.attractiveness,
      relationship: state.relationship,
      strategy: state.strategy,
    }),
  );
  return { state, events, changed: true };
}
