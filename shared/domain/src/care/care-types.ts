/** The words of the care programmes: what is due for a customer, and why. Pure. */

/** An active churn signal of a customer with the sentence that explains it. */
export interface ActiveRisk {
  signal: string;
  severity: string;
  strength: number;
  /** the measured values against their thresholds, in words */
  sentence: string;
}

/** The next step of a customer's care programme. */
export type CareAction = 'one-to-one-review' | 'membership-programme' | 'periodic-information';

/** An alert condition that still holds, read from the state (not from the alerter's queue). */
export interface OpenAlert {
  kind: 'churn-risk' | 'review' | 'assign-account-manager' | 'over-limit';
  severity: string | null;
  text: string;
}
