import type { Severity } from '@tierflow/contracts/events/event-types';

export const SEVERITY_RANK: Record<Severity, number> = { LOW: 1, MEDIUM: 2, HIGH: 3 };

/** Strength 0..1 -> severity: HIGH from 0.75, MEDIUM from 0.5, else LOW. */
export function severityOf(strength: number): Severity {
  return strength >= 0.75 ? 'HIGH' : strength >= 0.5 ? 'MEDIUM' : 'LOW';
}

// the thresholds are shared by churn-watch (which decides with them) and the readers (which explain them)
export { DAY_MS, defaultThresholds, type ChurnThresholds } from '@tierflow/contracts/settings/churn-thresholds';
