import { hash } from 'node:crypto';
import type { TransactionEvent } from '../../events/event-types';

/**
 * The de-dup fingerprint the aggregator stores per transactionId (keys `tx:<generation>` and
 * `tx:late` of a shard): part of the keyspace, so it never changes shape. A resend with the same id
 * and this fingerprint is a duplicate; another one a conflict.
 */
export function transactionFingerprint(e: TransactionEvent): string {
  // crypto.hash: the one-shot digest (no Hash object per transaction), the same bytes
  return hash('sha1', `${e.customerId}|${e.occurredAt}|${e.kind}|${e.amountMinor}|${e.costMinor}|${e.currency}|${e.product ?? ''}`, 'base64').slice(0, 12);
}

