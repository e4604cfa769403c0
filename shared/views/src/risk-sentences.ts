import type { ActiveRisk } from '@tierflow/domain/care/care-types';
import type { ChurnThresholds } from '@tierflow/domain/churn/churn-types';
import type { SignalMeasure } from '@tierflow/contracts/events/event-types';
import type { CustomerChurnState } from '@tierflow/contracts/keyspace/churn-watch/churn-state';
import { measureDecline, measureDowngrade, measureFrequency, measureInactivity } from '@tierflow/domain/churn/signal-measures';
import { explainSignal } from '@tierflow/domain/explain/risk-explanation';

/**
 * The active churn signals of a customer as churn-watch stored them, each with the sentence
 * that explains it: churn-watch's own measures, re-run on the figures it stored, as of the time
 * it last evaluated the customer (so the card says what churn-watch decided on). Pure.
 */
export function activeRisks(state: CustomerChurnState, thresholds: ChurnThresholds, currency: string): ActiveRisk[] {
  const at = state.updatedAt;
  const measures: Record<string, () => SignalMeasure> = {
    REVENUE_DECLINE: () => measureDecline(state, thresholds),
    INACTIVITY: () => measureInactivity(state, at, thresholds),
    FREQUENCY_DROP: () => measureFrequency(state, thresholds),
    TIER_DOWNGRADE: () => measureDowngrade(state),
  };
  const out: ActiveRisk[] = [];
  for (const [signal, st] of Object.entries(state.signals)) {
    if (!st?.active) continue;
    const m = measures[signal]?.();
    out.push({ signal, severity: st.severity, strength: st.strength, sentence: m ? explainSignal(m, currency) : `${signal}.` });
  }
  return out.sort((a, b) => b.strength - a.strength || (a.signal < b.signal ? -1 : 1));
}
