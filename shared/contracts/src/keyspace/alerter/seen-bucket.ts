import { partitionOfKey } from '../key-partition';

/**
 * Buckets of the alerter's per-period seen hashes (alert-keys.ts seenPeriod): a customer's
 * `customer|kind` fields go to bucket murmur2(customerId) mod SEEN_BUCKETS of the period, so a
 * period's hash stays under Redis's listpack limits (128 fields) up to ~60,000 alerted customers
 * a period, and costs one key per bucket and period (expiring) instead of one per alert.
 */
export const SEEN_BUCKETS = 512;

/** Where an alert's de-duplication key is recorded: a period's bucket hash and its field, or null for a plain seen key. */
export function seenSlot(dedupeKey: string): { period: string; bucket: number; field: string } | null {
  const parts = dedupeKey.split('|');
  if (parts.length !== 3) return null;
  const [customerId, kind, period] = parts as [string, string, string];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(period) || customerId === '') return null;
  return { period, bucket: partitionOfKey(customerId, SEEN_BUCKETS), field: `${customerId}|${kind}` };
}
