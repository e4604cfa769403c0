import { describe, expect, it } from 'vitest';
import { alertsForChurnRisk, alertsForTierChange, DAY_MS, dedupeKey, defaultAlertRules } from '../../../shared/domain/src/alerts/alert-rules';
import type { ChurnRiskInput, TierChangeInput } from '../../../shared/domain/src/alerts/alert-types';
import type { Tier } from '../../../shared/contracts/src/tier';
import { alerterConfigFromEnv } from '../../../services/alerter/src/alerter-config';
import { backoffMs, statusRetriable } from '../../../services/alerter/src/retry-policy';

const risk = (o: Partial<ChurnRiskInput> = {}): ChurnRiskInput => ({
  eventId: 'churn:K:REVENUE_DECLINE:RAISED:K:2',
  customerId: 'K',
  signal: 'REVENUE_DECLINE',
  status: 'RAISED',
  severity: 'MEDIUM',
  score: 0.5,
  tier: 'A',
  eventTime: 1,
  strategy: 'develop',
  explanation: [{ signal: 'REVENUE_DECLINE', active: true, summary: 'window revenue 50 vs 100 before' }],
  ...o,
});
const change = (fromTier: Tier, toTier: Tier, scope = 'global'): TierChangeInput => ({
  eventId: `${scope}|K|x`,
  customerId: 'K',
  scope,
  fromTier,
  toTier,
  eventTime: 2,
});
const alice = { accountManager: 'alice@example.com', name: 'Kappa Ltd' };
const nobody = { accountManager: null, name: null };

describe('alert rules (care programme)', () => {
  it("an A account's risk goes to its account manager, with the figures", () => {
    const [a] = alertsForChurnRisk(risk(), alice, 'risk');
    expect(a).toMatchObject({ alertId: 'churn:K:REVENUE_DECLINE:RAISED:K:2|churn-risk', kind: 'churn-risk', recipient: 'alice@example.com', severity: 'MEDIUM' });
    expect(a?.summary).toContain('window revenue 50 vs 100 before');
  });
  it('an A account without a manager, and a B account, go to the key-account team; C none', () => {
    expect(alertsForChurnRisk(risk(), nobody, 'risk')[0]?.recipient).toBe('key-account-team');
    expect(alertsForChurnRisk(risk({ tier: 'B' }), alice, 'risk')[0]?.recipient).toBe('key-account-team');
    expect(alertsForChurnRisk(risk({ tier: 'C' }), alice, 'risk')).toEqual([]);
    expect(alertsForChurnRisk(risk({ tier: 'C', signal: 'TIER_DOWNGRADE' }), alice, 'risk')).toHaveLength(1);
  });
  it('RESOLVED becomes churn-resolved, or nothing when switched off', () => {
    expect(alertsForChurnRisk(risk({ status: 'RESOLVED' }), alice, 'risk')[0]?.kind).toBe('churn-resolved');
    expect(alertsForChurnRisk(risk({ status: 'RESOLVED' }), alice, 'risk', { ...defaultAlertRules, alertResolved: false })).toEqual([]);
  });
  it('upgrade into A asks to assign a manager; downgrade out of A asks for a review; others nothing', () => {
    expect(alertsForTierChange(change('B', 'A'), nobody, 'tc')).toMatchObject([{ kind: 'assign-account-manager', recipient: 'key-account-team' }]);
    expect(alertsForTierChange(change('A', 'B'), alice, 'tc')).toMatchObject([{ kind: 'review', recipient: 'alice@example.com' }]);
    expect(alertsForTierChange(change('A', 'C'), nobody, 'tc')).toMatchObject([{ kind: 'review', recipient: 'key-account-team' }]);
    expect(alertsForTierChange(change('B', 'C'), alice, 'tc')).toEqual([]);
    expect(alertsForTierChange(change('C', 'B'), alice, 'tc')).toEqual([]);
    expect(alertsForTierChange(change('B', 'A', 'region:north'), alice, 'tc')).toEqual([]);
  });
});

describe('noise control', () => {
  it('no "assign an account manager" alert when the profile names one', () => {
    expect(alertsForTierChange(change('B', 'A'), alice, 'tc')).toEqual([]);
    expect(alertsForTierChange({ ...change('C', 'A'), reason: 'SCOPE_JOIN' }, nobody, 'tc')[0]?.summary).toBe('Assign an account manager: K was first classified as tier A and has none.');
  });
  it('one alert per customer, kind and period: the same key inside a period, a new one in the next', () => {
    const week = 7 * DAY_MS;
    const t0 = Date.UTC(2026, 0, 1); // a Thursday: periods are aligned to the epoch (Thursdays too)
    expect(dedupeKey('K', 'churn-risk', t0 + 1, week, 'e1')).toBe('K|churn-risk|2026-01-01');
    expect(dedupeKey('K', 'churn-risk', t0 + week - 1, week, 'e2')).toBe('K|churn-risk|2026-01-01');
    expect(dedupeKey('K', 'churn-risk', t0 + week, week, 'e3')).toBe('K|churn-risk|2026-01-08');
    expect(dedupeKey('K', 'churn-resolved', t0, week, 'e4')).toBe('K|churn-resolved|2026-01-01');
    expect(dedupeKey('K', 'churn-risk', t0, 0, 'e5')).toBe('e5|churn-risk');
    const a = alertsForChurnRisk(risk({ eventTime: t0 + 5 }), alice, 'risk')[0]!;
    const b = alertsForChurnRisk(risk({ eventId: 'other', eventTime: t0 + 3 * DAY_MS }), alice, 'risk')[0]!;
    expect(a.dedupeKey).toBe(b.dedupeKey);
    expect(a.alertId).not.toBe(b.alertId);
  });
  it('the churn alert explains the risk in words when the record carries its figures', () => {
    const [a] = alertsForChurnRisk(risk({ explanation: [{ signal: 'REVENUE_DECLINE', active: true, summary: '', figures: { currentRevenueMinor: 50000, previousRevenueMinor: 100000, dropRatio: 0.5, thresholdRatio: 0.3, minPreviousRevenueMinor: 100000 } }] }), alice, 'risk');
    expect(a?.summary).toBe('Kappa Ltd: churn risk: revenue decline, medium (tier A, score 0.50). Revenue $500.00 in the current window against $1,000.00 in the previous one: 50.0% down (raised from 30.0% down, when the previous window had at least $1,000.00).');
  });
});

describe('retry policy, config', () => {
  it('backs off exponentially with a cap; retries 408, 429 and 5xx only', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000]);
    expect([500, 503, 408, 429].every(statusRetriable)).toBe(true);
    expect([400, 401, 404, 422].some(statusRetriable)).toBe(false);
  });
  it('config: names a bad variable; WEBHOOK_SECRET is required with WEBHOOK_URL', () => {
    expect(() => alerterConfigFromEnv({ WEBHOOK_MAX_ATTEMPTS: 'many' })).toThrow(/WEBHOOK_MAX_ATTEMPTS/);
    expect(() => alerterConfigFromEnv({ WEBHOOK_URL: 'http://127.0.0.1:1/x' })).toThrow(/WEBHOOK_SECRET/);
    const c = alerterConfigFromEnv({ WEBHOOK_URL: 'http://127.0.0.1:1/x', WEBHOOK_SECRET: 'abcdefghijklmnop', ALERT_MANAGER_TIERS: 'A,B' });
    expect(c.webhook).toMatchObject({ url: 'http://127.0.0.1:1/x' });
    expect(c.rules.managerTiers).toEqual(['A', 'B']);
    expect(alerterConfigFromEnv({}).webhook).toBeNull();
    expect(alerterConfigFromEnv({ ALERT_DEDUPE_PERIOD_DAYS: '1' }).rules.dedupePeriodMs).toBe(DAY_MS);
    expect(() => alerterConfigFromEnv({ ALERT_DEDUPE_PERIOD_DAYS: 'weekly' })).toThrow(/ALERT_DEDUPE_PERIOD_DAYS/);
  });
});
