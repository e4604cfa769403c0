import { describe, expect, it } from 'vitest';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { isValidId } from '@tierflow/contracts/validation/ids';
import { parseCustomerId } from '../../../shared/contracts/src/scopes/request-validation';
import { validateTransaction } from '../../../shared/contracts/src/validation/transaction';

const rules = { reportingCurrency: 'USD', maxAbsAmountMinor: 1_000_000_00, futureToleranceMs: 86_400_000 };
const now = Date.UTC(2026, 10, 27);
const base: TransactionEvent = {
  transactionId: 't1', customerId: 'C1', occurredAt: now - 1000, kind: 'CHARGE', amountMinor: 100, costMinor: 0, currency: 'USD', product: null,
};
const codeOf = (patch: Partial<TransactionEvent>) => {
  const v = validateTransaction({ ...base, ...patch }, rules, now);
  return v.ok ? 'ok' : v.code;
};

describe('transactions: ids and cost (issue 14)', () => {
  it('a negative cost is bad input for every kind (a $1 charge at cost -$10,000,000 showed a $10,000,001 profit)', () => {
    for (const kind of ['CHARGE', 'REFUND', 'ADJUSTMENT', 'PAYMENT'] as const) expect(codeOf({ kind, costMinor: -1 })).toBe('NEGATIVE_COST');
    expect(codeOf({ costMinor: -1_000_000 })).toBe('NEGATIVE_COST');
    expect(codeOf({ costMinor: 0 })).toBe('ok');
  });

  it('ids of 101-128 characters and ids with spaces, braces or control characters are refused', () => {
    expect(codeOf({ customerId: 'x'.repeat(101) })).toBe('CUSTOMER_ID_TOO_LONG');
    expect(codeOf({ customerId: 'x'.repeat(128) })).toBe('CUSTOMER_ID_TOO_LONG');
    for (const customerId of ['a b', 'x{p0}', 'c\u0001', 'a/b']) expect(codeOf({ customerId })).toBe('BAD_CUSTOMER_ID');
    expect(codeOf({ transactionId: 't'.repeat(101) })).toBe('TRANSACTION_ID_TOO_LONG');
    expect(codeOf({ transactionId: 'inv 1' })).toBe('BAD_TRANSACTION_ID');
  });

  it('every customer id the aggregator accepts, the dashboard accepts too', () => {
    const samples = ['C1', 'x'.repeat(100), 'a.b@c:d-e_f', 'T000001', 'cdnow-1', 'x'.repeat(101), 'a b', '{x}', 'é'];
    for (const customerId of samples) {
      const accepted = codeOf({ customerId }) === 'ok';
      let shown = true;
      try {
        parseCustomerId(customerId);
      } catch {
        shown = false;
      }
      expect({ customerId, shown }).toEqual({ customerId, shown: accepted });
      expect(isValidId(customerId)).toBe(accepted);
    }
  });
});
