/**
 * What a TierChange record means for people. The ranker emits a change when a customer joins a
 * scope as A or B (reason SCOPE_JOIN, fromTier C by convention): that is its first
 * classification in the scope, not a move from C, and is reported as its own kind.
 */
export type TierEventKind = 'first-classification' | 'upgrade' | 'downgrade' | 'left-scope';

export function tierEventKind(e: { reason?: string | null; direction?: string | null; fromTier?: string | null; toTier?: string | null }): TierEventKind {
  if (e.reason === 'SCOPE_JOIN') return 'first-classification';
  if (e.reason === 'SCOPE_LEAVE') return 'left-scope';
  return e.direction === 'UPGRADE' ? 'upgrade' : 'downgrade';
}
