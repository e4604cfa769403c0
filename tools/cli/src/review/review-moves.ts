import { tierEventKind } from '@tierflow/domain/explain/tier-event-kind';
import type { ReviewTierChange } from './review-data';

/** One customer's net tier move over the review period in one scope. */
export interface NetMove {
  customerId: string;
  /** the published tier before the period; null when the customer was first classified in it */
  fromTier: string | null;
  toTier: string;
  kind: 'first-classification' | 'upgrade' | 'downgrade';
  /** how many tier-change events the period had for the customer (the noise folded away) */
  events: number;
  /** the last change: its figures explain where the customer ended */
  last: ReviewTierChange;
}

const LEVEL: Record<string, number> = { A: 0, B: 1, C: 2 };

/**
 * One net move per customer per period: its changes in the scope in event-time order (ties in
 * topic order), from the tier before the first to the tier after the last. A customer that ends
 * where it began has no move; a first classification in the period is its own kind, never
 * "C → A". Pure.
 */
export function netMoves(changes: readonly ReviewTierChange[], scope: string): NetMove[] {
  const byCustomer = new Map<string, ReviewTierChange[]>();
  changes.forEach((c) => {
    if (c.scope !== scope) return;
    const list = byCustomer.get(c.customerId) ?? [];
    list.push(c);
    byCustomer.set(c.customerId, list);
  });
  const out: NetMove[] = [];
  for (const [customerId, list] of byCustomer) {
    const ordered = list.map((c, i) => [c, i] as const).sort((a, b) => a[0].eventTime - b[0].eventTime || a[1] - b[1]).map(([c]) => c);
    const first = ordered[0] as ReviewTierChange;
    const last = ordered[ordered.length - 1] as ReviewTierChange;
    const isNew = tierEventKind(first) === 'first-classification';
    const fromTier = isNew ? null : first.fromTier;
    const toTier = tierEventKind(last) === 'left-scope' ? 'C' : last.toTier;
    if (fromTier === toTier) continue;
    if (isNew && toTier === 'C') continue; // classified and gone again: nothing to act on
    const kind = isNew ? 'first-classification' : (LEVEL[toTier] ?? 2) < (LEVEL[fromTier ?? 'C'] ?? 2) ? 'upgrade' : 'downgrade';
    out.push({ customerId, fromTier, toTier, kind, events: ordered.length, last });
  }
  return out.sort((a, b) => (LEVEL[a.toTier] ?? 2) - (LEVEL[b.toTier] ?? 2) || (a.last.rank ?? Infinity) - (b.last.rank ?? Infinity) || (a.customerId < b.customerId ? -1 : 1));
}
