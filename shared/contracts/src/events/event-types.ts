/**
 * The TypeScript shapes of the billing and CRM input records (schemas/TransactionEvent.avsc,
 * schemas/CustomerProfile.avsc), shared by the aggregator that reads them and the CLI that writes them. Field names and types follow the .avsc files; the codec
 * validates every value against the registered schema when it encodes.
 */
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

export interface CustomerProfile {
  customerId: string;
  name: string | null;
  address: string | null;
  phone: string | null;
  legalRepresentative: string | null;
  industry: string | null;
  region: string | null;
  accountManager: string | null;
  creditLimitMinor: number | null;
  creditTermDays: number | null;
  satisfactionScore: number | null;
  updatedAt: number;
}
