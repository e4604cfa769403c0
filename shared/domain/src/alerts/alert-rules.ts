import { basisInfo, type BasisInfo } from '../explain/basis-label';
import { explainChurnRisk, explainSignal } from '../explain/risk-explanation';
import { explainTierChange, type TierChangeFacts } from '../explain/tier-explanation';
import { tierEventKind } from '../explain/tier-event-kind';
import { GLOBAL_SCOPE } from '@tierflow/contracts/scopes/scope';
import type { Alert, AlertKind, ChurnRiskInput, RoutingProfile, TierChangeInput } from './alert-types';

export interface AlertRulesConfig {
  /** tiers whose accounts have a named account manager (default A) */
  managerTiers: string[];
  /** tiers whose churn risks alert at all (default A, B) */
  riskTiers: string[];
  /** who gets alerts without an account manager (the key-account team) */
  defaultRecipient: string;
  /** send an alert when a churn signal clears */
  alertResolved: boolean;
  /**
   * At most one alert per customer, kind and period of this length (event time, periods aligned
   * to the epoch, UTC): a customer whose risk flaps is told about once a period. 0 = per event.
   */
  dedupePeriodMs: number;
  /** for the sentences: the deployment's REPORTING_CURRENCY and the ranker's basis */
  currency: string;
  basis: BasisInfo;
}

export const DAY_MS = 86_400_000;

export const defaultAlertRules: AlertRulesConfig = {
  managerTiers: ['A'],
  riskTiers: ['A', 'B'],
  defaultRecipient: 'key-account-team',
  alertResolved: true,
  dedupePeriodMs: 7 * DAY_MS,
  currency: 'USD',
  basis: basisInfo('window-revenue', 90),
};

/**
 * The de-duplication key of an alert: customer, kind and the period its event time falls in
 * (or the source event when the period is 0). The store queues an alert only when its key is
 * new, so replays and resends stay idempotent and a flapping customer is alerted once a period.
 */
export function dedupeKey(customerId: string, kind: AlertKind, eventTime: number, periodMs: number, sourceEventId: string): string {
  if (periodMs <= 0) return `${sourceEventId}|${kind}`;
  const start = Math.floor(eventTime / periodMs) * periodMs;
  return `${customerId}|${kind}|${new Date(start).toISOString().slice(0, 10)}`;
}

/**
 * A churn risk of an account in a risk tier: to its account manager when the tier has one
 * (A) and the profile names one, else to the key-account team.
 */
export function alertsForChurnRisk(
  e: ChurnRiskInput,
  profile: RoutingProfile,
  topic: string,
  config: AlertRulesConfig = defaultAlertRules,
): Alert[] {
  const downgradedFromRisk = e.signal === 'TIER_DOWNGRADE';
  if (!config.riskTiers.includes(e.tier) && !downgradedFromRisk) return [];
  if (e.status === 'RESOLVED' && !config.alertResolved) return [];
  const kind = e.status === 'RESOLVED' ? 'churn-resolved' : 'churn-risk';
  const manager = config.managerTiers.includes(e.tier) ? profile.accountManager : null;
  const measure = e.explanation.find((x) => x.signal === e.signal);
  const why = measure?.figures ? explainChurnRisk({ ...e, explanation: e.explanation.map((x) => ({ signal: x.signal, figures: x.figures ?? {} })) }, config.currency, profile.name ?? e.customerId) : null;
  const figures = measure?.figures ? explainSignal({ signal: measure.signal, figures: measure.figures }, config.currency) : (measure?.summary ?? '');
  return [
    {
      alertId: `${e.eventId}|${kind}`,
      dedupeKey: dedupeKey(e.customerId, kind, e.eventTime, config.dedupePeriodMs, e.eventId),
      kind,
      customerId: e.customerId,
      recipient: manager ?? config.defaultRecipient,
      tier: e.tier,
      severity: e.severity,
      summary: why ?? `${e.status === 'RESOLVED' ? 'Resolved' : 'Churn risk'}: ${e.signal} (${e.severity}) for ${profile.name ?? e.customerId}, tier ${e.tier}, score ${e.score.toFixed(2)}. ${figures}`.trim(),
      sourceTopic: topic,
      sourceEventId: e.eventId,
      occurredAt: e.eventTime,
      details: { signal: e.signal, status: e.status, score: e.score, strategy: e.strategy, routedToManager: manager !== null },
    },
  ];
}

/**
 * Global tier changes: an upgrade (or a first classification) into a manager tier asks the
 * key-account team to assign an account manager — only when the profile names none; a
 * downgrade out of it asks for a review (its manager, else the team).
 */
export function alertsForTierChange(
  e: TierChangeInput,
  profile: RoutingProfile,
  topic: string,
  config: AlertRulesConfig = defaultAlertRules,
): Alert[] {
  if (e.scope !== GLOBAL_SCOPE) return [];
  const into = config.managerTiers.includes(e.toTier) && !config.managerTiers.includes(e.fromTier);
  const outOf = config.managerTiers.includes(e.fromTier) && !config.managerTiers.includes(e.toTier);
  if (!into && !outOf) return [];
  if (into && profile.accountManager !== null) return [];
  const kind = into ? 'assign-account-manager' : 'review';
  const who = profile.name ?? e.customerId;
  const first = tierEventKind(e) === 'first-classification';
  const why = e.rank !== undefined && e.thresholdA !== undefined ? ` ${explainTierChange(e as TierChangeFacts, config.basis, config.currency, who)}` : '';
  return [
    {
      alertId: `${e.eventId}|${kind}`,
      dedupeKey: dedupeKey(e.customerId, kind, e.eventTime, config.dedupePeriodMs, e.eventId),
      kind,
      customerId: e.customerId,
      recipient: into ? config.defaultRecipient : (profile.accountManager ?? config.defaultRecipient),
      tier: e.toTier,
      severity: null,
      summary: into
        ? `Assign an account manager: ${who} ${first ? `was first classified as tier ${e.toTier}` : `moved up from tier ${e.fromTier} to ${e.toTier}`} and has none.${why}`
        : `Review: ${who} moved down from tier ${e.fromTier} to ${e.toTier}.${why}`,
      sourceTopic: topic,
      sourceEventId: e.eventId,
      occurredAt: e.eventTime,
      details: { fromTier: e.fromTier, toTier: e.toTier, hasAccountManager: profile.accountManager !== null },
    },
  ];
}
