import type { Alert, ChurnRiskInput, RoutingProfile, TierChangeInput } from './alert-types';

export interface AlertRulesConfig {
  /** tiers whose accounts have a named account manager (default A) */
  managerTiers: string[];
  /** tiers whose churn risks alert at all (default A, B) */
  riskTiers: string[];
  /** who gets alerts without an account manager (the key-account team) */
  defaultRecipient: string;
  /** send an alert when a churn signal clears */
  alertResolved: boolean;
}

export const defaultAlertRules: AlertRulesConfig = {
  managerTiers: ['A'],
  riskTiers: ['A', 'B'],
  defaultRecipient: 'key-account-team',
  alertResolved: true,
};

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
  const figures = e.explanation.find((x) => x.signal === e.signal)?.summary ?? '';
  return [
    {
      alertId: `${e.eventId}|${kind}`,
      kind,
      customerId: e.customerId,
      recipient: manager ?? config.defaultRecipient,
      tier: e.tier,
      severity: e.severity,
      summary: `${e.status === 'RESOLVED' ? 'Resolved' : 'Churn risk'}: ${e.signal} (${e.severity}) for ${profile.name ?? e.customerId}, tier ${e.tier}, score ${e.score.toFixed(2)}. ${figures}`.trim(),
      sourceTopic: topic,
      sourceEventId: e.eventId,
      occurredAt: e.eventTime,
      details: { signal: e.signal, status: e.status, score: e.score, strategy: e.strategy, routedToManager: manager !== null },
    },
  ];
}

/**
 * Global tier changes: an upgrade into a manager tier asks the key-account team to assign an
 * account manager; a downgrade out of it asks for a review (its manager, else the team).
 */
export function alertsForTierChange(
  e: TierChangeInput,
  profile: RoutingProfile,
  topic: string,
  config: AlertRulesConfig = defaultAlertRules,
): Alert[] {
  if (e.scope !== 'global') return [];
  const into = config.managerTiers.includes(e.toTier) && !config.managerTiers.includes(e.fromTier);
  const outOf = config.managerTiers.includes(e.fromTier) && !config.managerTiers.includes(e.toTier);
  if (!into && !outOf) return [];
  const kind = into ? 'assign-account-manager' : 'review';
  const who = profile.name ?? e.customerId;
  return [
    {
      alertId: `${e.eventId}|${kind}`,
      kind,
      customerId: e.customerId,
      recipient: into ? config.defaultRecipient : (profile.accountManager ?? config.defaultRecipient),
      tier: e.toTier,
      severity: null,
      summary: into
        ? `Assign an account manager: ${who} moved up from tier ${e.fromTier} to ${e.toTier}.`
        : `Review: ${who} moved down from tier ${e.fromTier} to ${e.toTier}.`,
      sourceTopic: topic,
      sourceEventId: e.eventId,
      occurredAt: e.eventTime,
      details: { fromTier: e.fromTier, toTier: e.toTier, hasAccountManager: profile.accountManager !== null },
    },
  ];
}
