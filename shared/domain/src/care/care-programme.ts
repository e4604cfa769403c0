import { formatMoney } from '../explain/money-format';
import type { ActiveRisk, CareAction, OpenAlert } from './care-types';

/**
 * The care programme of the CRM text per tier: A one-to-one care with regular business
 * reviews, B a membership-style programme, C a profile and periodic information. Pure.
 */
export function nextAction(tier: string | null, risks: readonly ActiveRisk[]): { code: CareAction; text: string } {
  const urgent = risks[0] ? ` — first: ${risks[0].sentence}` : '';
  if (tier === 'A') return { code: 'one-to-one-review', text: `One-to-one review due${urgent}` };
  if (tier === 'B') return { code: 'membership-programme', text: `Membership programme: keep them in it${urgent}` };
  return { code: 'periodic-information', text: 'Periodic information' };
}

/**
 * The alert conditions that still hold for a customer, from the same state the card reads:
 * its active churn signals (a downgrade asks for a review), a key account (global tier A)
 * without an account manager, and a balance over the credit limit. Pure.
 */
export function openAlerts(p: {
  globalTier: string | null;
  accountManager: string | null;
  risks: readonly ActiveRisk[];
  credit: { limitMinor: number | null; balanceMinor: number | null; overLimitMinor: number | null };
  currency: string;
}): OpenAlert[] {
  const out: OpenAlert[] = p.risks.map((r) => ({ kind: r.signal === 'TIER_DOWNGRADE' ? ('review' as const) : ('churn-risk' as const), severity: r.severity, text: r.sentence }));
  if (p.globalTier === 'A' && !p.accountManager) out.push({ kind: 'assign-account-manager', severity: null, text: 'Tier A without an account manager on the profile: assign one.' });
  if (p.credit.overLimitMinor !== null && p.credit.overLimitMinor > 0) {
    out.push({
      kind: 'over-limit',
      severity: null,
      text: `Balance ${formatMoney(p.credit.balanceMinor, p.currency)} is ${formatMoney(p.credit.overLimitMinor, p.currency)} over the credit limit of ${formatMoney(p.credit.limitMinor, p.currency)}.`,
    });
  }
  return out;
}
