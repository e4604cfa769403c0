import type { TransactionEvent } from '@tierflow/contracts/events/event-types';

export const DAY_MS = 86_400_000;

/** What one transaction does to a customer's totals. */
export interface TransactionEffect {
  revenueDelta: number;
  costDelta: number;
  balanceDelta: number;
  /** C, R, A count as revenue transactions; P (payment) only settles the balance */
  kindCode: 'C' | 'R' | 'A' | 'P';
}

/**
 * Revenue = charges - refunds +/- adjustments; profit = revenue - cost (a refund returns its cost);
 * balance (owed) = charges + adjustments - refunds - payments. Pure.
 */
export function transactionEffect(e: TransactionEvent): TransactionEffect {
  switch (e.kind) {
    case 'CHARGE':
      return { revenueDelta: e.amountMinor, costDelta: e.costMinor, balanceDelta: e.amountMinor, kindCode: 'C' };
    case 'REFUND':
      return { revenueDelta: -e.amountMinor, costDelta: -e.costMinor, balanceDelta: -e.amountMinor, kindCode: 'R' };
    case 'ADJUSTMENT':
      return { revenueDelta: e.amountMinor, costDelta: e.costMinor, balanceDelta: e.amountMinor, kindCode: 'A' };
    case 'PAYMENT':
      return { revenueDelta: 0, costDelta: 0, balanceDelta: -e.amountMinor, kindCode: 'P' };
  }
}

export const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);

/** YYYYMM of an epoch-ms instant, in UTC. */
export function monthKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
