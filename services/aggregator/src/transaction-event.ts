/** The decoded TransactionEvent (schemas/TransactionEvent.avsc). */
export type TransactionKind = 'CHARGE' | 'REFUND' | 'ADJUSTMENT' | 'PAYMENT';

export interface TransactionEvent {
  transactionId: string;
  customerId: string;
  occurredAt: number;
  kind: TransactionKind;
  amountMinor: number;
  costMinor: number;
  currency: string;
  product: string | null;
}
