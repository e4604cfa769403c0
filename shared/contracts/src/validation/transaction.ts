import type { TransactionEvent } from '../events/event-types';
import { idProblem } from './ids';

/** Reasons a decoded transaction is refused; each goes to the dead-letter topic under this code. */
export type InvalidReason =
  | 'MISSING_TRANSACTION_ID'
  | 'TRANSACTION_ID_TOO_LONG'
  | 'BAD_TRANSACTION_ID'
  | 'MISSING_CUSTOMER_ID'
  | 'CUSTOMER_ID_TOO_LONG'
  | 'BAD_CUSTOMER_ID'
  | 'AMOUNT_OUT_OF_RANGE'
  | 'COST_OUT_OF_RANGE'
  | 'NEGATIVE_AMOUNT'
  | 'NEGATIVE_COST'
  | 'CURRENCY_NOT_REPORTING'
  | 'OCCURRED_IN_FUTURE'
  | 'OCCURRED_BEFORE_EPOCH';

export interface ValidationRules {
  reportingCurrency: string;
  /** largest absolute amount or cost accepted, in minor units */
  maxAbsAmountMinor: number;
  /** how far past the wall clock occurredAt may be */
  futureToleranceMs: number;
}

export type Validation = { ok: true } | { ok: false; code: InvalidReason; reason: string };

const fail = (code: InvalidReason, reason: string): Validation => ({ ok: false, code, reason });

/** Checks one decoded transaction against the deployment's rules. Pure. */
export function validateTransaction(e: TransactionEvent, rules: ValidationRules, nowMs: number): Validation {
  if (e.transactionId.trim() === '') return fail('MISSING_TRANSACTION_ID', 'transactionId is empty');
  const txBad = idProblem(e.transactionId, 'transactionId');
  if (txBad) return fail(txBad.code === 'ID_TOO_LONG' ? 'TRANSACTION_ID_TOO_LONG' : 'BAD_TRANSACTION_ID', txBad.reason);
  if (e.customerId.trim() === '') return fail('MISSING_CUSTOMER_ID', 'customerId is empty');
  // the one id rule of every entry point (shared/contracts/src/validation/ids.ts): what is applied here
  // can be looked up in the dashboard and the CLI
  const idBad = idProblem(e.customerId, 'customerId');
  if (idBad) return fail(idBad.code === 'ID_TOO_LONG' ? 'CUSTOMER_ID_TOO_LONG' : 'BAD_CUSTOMER_ID', idBad.reason);
  if (!Number.isSafeInteger(e.amountMinor) || Math.abs(e.amountMinor) > rules.maxAbsAmountMinor) {
    return fail('AMOUNT_OUT_OF_RANGE', `amountMinor ${e.amountMinor} is outside +/-${rules.maxAbsAmountMinor}`);
  }
  if (!Number.isSafeInteger(e.costMinor) || Math.abs(e.costMinor) > rules.maxAbsAmountMinor) {
    return fail('COST_OUT_OF_RANGE', `costMinor ${e.costMinor} is outside +/-${rules.maxAbsAmountMinor}`);
  }
  // a cost is what was sold cost us: never negative, whatever the kind (a refund returns its
  // cost through its kind, not through a negative number)
  if (e.costMinor < 0) return fail('NEGATIVE_COST', `costMinor ${e.costMinor} is negative; costs are 0 or more for every kind`);
  if (e.kind !== 'ADJUSTMENT' && e.amountMinor < 0) {
    return fail('NEGATIVE_AMOUNT', `${e.kind} amounts are positive (got ${e.amountMinor}); use ADJUSTMENT for signed corrections`);
  }
  if (e.currency !== rules.reportingCurrency) {
    return fail('CURRENCY_NOT_REPORTING', `currency ${e.currency} is not the reporting currency ${rules.reportingCurrency}`);
  }
  if (e.occurredAt > nowMs + rules.futureToleranceMs) {
    return fail('OCCURRED_IN_FUTURE', `occurredAt ${new Date(e.occurredAt).toISOString()} is beyond the future tolerance`);
  }
  if (e.occurredAt < 0) return fail('OCCURRED_BEFORE_EPOCH', `occurredAt ${e.occurredAt} is before 1970`);
  return { ok: true };
}
