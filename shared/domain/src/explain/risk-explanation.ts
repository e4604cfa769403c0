import { formatDays, formatMoney, formatShare } from './money-format';

/** One churn signal's measured figures (ChurnRisk.explanation[i], churn-watch's SignalMeasure). */
export interface SignalFacts {
  signal: string;
  active?: boolean;
  figures: Record<string, number>;
}

const TIERS = ['A', 'B', 'C'];
const num = (f: Record<string, number>, k: string): number => (Number.isFinite(f[k]) ? (f[k] as number) : 0);

/**
 * Why a churn signal is (or is not) raised, in words: the measured values against their
 * thresholds. Pure; the one place these sentences are built (card, feed, review, alerts).
 */
export function explainSignal(s: SignalFacts, currency: string): string {
  const f = s.figures ?? {};
  switch (s.signal) {
    case 'REVENUE_DECLINE': {
      const cur = num(f, 'currentRevenueMinor');
      const prev = num(f, 'previousRevenueMinor');
      if (prev <= 0) return 'Revenue: nothing in the previous window to compare with.';
      return `Revenue ${formatMoney(cur, currency)} in the current window against ${formatMoney(prev, currency)} in the previous one: ${formatShare(num(f, 'dropRatio'))} down (raised from ${formatShare(num(f, 'thresholdRatio'))} down, when the previous window had at least ${formatMoney(num(f, 'minPreviousRevenueMinor'), currency)}).`;
    }
    case 'INACTIVITY':
      return `No transaction for ${formatDays(num(f, 'silentMs'))} (raised after ${formatDays(num(f, 'thresholdMs'))} of silence; the usual gap is ${formatDays(num(f, 'usualGapMs'))}).`;
    case 'FREQUENCY_DROP':
      return `${num(f, 'currentCount')} transactions in the current window against ${num(f, 'previousCount')} in the previous one: ${formatShare(num(f, 'dropRatio'))} fewer (raised from ${formatShare(num(f, 'thresholdRatio'))} fewer, when the previous window had at least ${num(f, 'minPreviousCount')}).`;
    case 'TIER_DOWNGRADE': {
      const from = TIERS[num(f, 'fromTierLevel')];
      const now = TIERS[num(f, 'tierLevel')] ?? 'C';
      return from && from !== now ? `Downgraded from tier ${from} to ${now} (raised while it stays below ${from}).` : `Tier ${now}, no downgrade.`;
    }
    default:
      return `${s.signal}.`;
  }
}

/** A ChurnRisk event's fields the sentence reads (schemas/ChurnRisk.avsc). */
export interface ChurnRiskFacts {
  signal: string;
  status: string;
  severity: string;
  score: number;
  tier: string;
  explanation: SignalFacts[];
}

const SIGNAL_NAME: Record<string, string> = {
  REVENUE_DECLINE: 'revenue decline',
  INACTIVITY: 'inactivity',
  FREQUENCY_DROP: 'fewer transactions',
  TIER_DOWNGRADE: 'tier downgrade',
};

export const signalName = (signal: string): string => SIGNAL_NAME[signal] ?? signal.toLowerCase().replace(/_/g, ' ');

/** A churn-risk event in words: "<name>: churn risk (inactivity, HIGH). No transaction for …". */
export function explainChurnRisk(e: ChurnRiskFacts, currency: string, name?: string | null): string {
  const who = name ? `${name}: ` : '';
  const measure = e.explanation.find((x) => x.signal === e.signal);
  const why = measure ? ` ${explainSignal(measure, currency)}` : '';
  return e.status === 'RESOLVED'
    ? `${who}${signalName(e.signal)} resolved (tier ${e.tier}, score ${e.score.toFixed(2)}).${why}`
    : `${who}churn risk: ${signalName(e.signal)}, ${e.severity.toLowerCase()} (tier ${e.tier}, score ${e.score.toFixed(2)}).${why}`;
}
