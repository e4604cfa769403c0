import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { monthKey, transactionEffect } from '../../../shared/domain/src/windows/transaction-effect';
import { transactionFingerprint } from '../../../shared/contracts/src/keyspace/aggregator/transaction-fingerprint';
import { validateTransaction } from '../../../shared/contracts/src/validation/transaction';

const rules = { reportingCurrency: 'USD', maxAbsAmountMinor: 1_000_000_00, futureToleranceMs: 86_400_000 };
const now = Date.UTC(2026, 10, 27);
const base: TransactionEvent = {
  transactionId: 't1', customerId: 'C1', occurredAt: now - 1000, kind: 'CHARGE', amountMinor: 1000, costMinor: 600, currency: 'USD', product: null,
};

describe('validateTransaction', () => {
  it('accepts a good charge and a negative adjustment', () => {
    expect(validateTransaction(base, rules, now)).toEqual({ ok: true });
    expect(validateTransaction({ ...base, kind: 'ADJUSTMENT', amountMinor: -500 }, rules, now)).toEqual({ ok: true });
  });

  it.each([
    [{ transactionId: ' ' }, 'MISSING_TRANSACTION_ID'],
    [{ customerId: '' }, 'MISSING_CUSTOMER_ID'],
    [{ customerId: 'x'.repeat(129) }, 'CUSTOMER_ID_TOO_LONG'],
    [{ amountMinor: 1_000_000_01 }, 'AMOUNT_OUT_OF_RANGE'],
    [{ costMinor: -1_000_000_01 }, 'COST_OUT_OF_RANGE'],
    [{ kind: 'REFUND', amountMinor: -5 }, 'NEGATIVE_AMOUNT'],
    [{ currency: 'EUR' }, 'CURRENCY_NOT_REPORTING'],
    [{ occurredAt: now + 2 * 86_400_000 }, 'OCCURRED_IN_FUTURE'],
    [{ occurredAt: -1 }, 'OCCURRED_BEFORE_EPOCH'],
  ] as [Partial<TransactionEvent>, string][])('refuses %o as %s with a reason', (patch, code) => {
    const v = validateTransaction({ ...base, ...patch }, rules, now);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.code).toBe(code);
      expect(v.reason.length).toBeGreaterThan(5);
    }
  });
});

describe('transactionEffect', () => {
  it('charges add revenue, cost and balance; refunds take them back; payments only settle the balance', () => {
    expect(transactionEffect(base)).toEqual({ revenueDelta: 1000, costDelta: 600, balanceDelta: 1000, kindCode: 'C' });
    expect(transactionEffect({ ...base, kind: 'REFUND' })).toEqual({ revenueDelta: -1000, costDelta: -600, balanceDelta: -1000, kindCode: 'R' });
    expect(transactionEffect({ ...base, kind: 'ADJUSTMENT', amountMinor: -300, costMinor: 0 })).toEqual({ revenueDelta: -300, costDelta: 0, balanceDelta: -300, kindCode: 'A' });
    expect(transactionEffect({ ...base, kind: 'PAYMENT', costMinor: 0 })).toEqual({ revenueDelta: 0, costDelta: 0, balanceDelta: -1000, kindCode: 'P' });
  });

  it('fingerprints content, not the id, and keys months in UTC', () => {
    expect(transactionFingerprint(base)).toBe(transactionFingerprint({ ...base, transactionId: 'other' }));
    expect(transactionFingerprint(base)).not.toBe(transactionFingerprint({ ...base, amountMinor: 1001 }));
    // the stored shape never changes: the first 12 base64 characters of the SHA-1 of the fields joined by '|'
    const joined = [base.customerId, base.occurredAt, base.kind, base.amountMinor, base.costMinor, base.currency, base.product ?? ''].join('|');
    expect(transactionFingerprint(base)).toBe(createHash('sha1').update(joined).digest('base64').slice(0, 12));
    expect(monthKey(Date.UTC(1997, 0, 31, 23, 59))).toBe('199701');
    expect(monthKey(Date.UTC(1998, 11, 1))).toBe('199812');
  });
});
