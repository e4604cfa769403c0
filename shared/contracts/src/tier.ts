/**
 * The three tiers, defined once: A (the customers inside the A threshold of their scope), B
 * (inside B but not A) and C (everyone else). TierChange, ChurnRisk and every stored record
 * carry tiers as these letters; the ranker's hot paths carry them as codes (0 = A, 1 = B,
 * 2 = C: a larger number is worse). Pure.
 */
export const TIERS = ['A', 'B', 'C'] as const;
export type Tier = (typeof TIERS)[number];
/** Tiers as small integers in hot paths: 0 = A, 1 = B, 2 = C (a larger number is worse). */
export type TierCode = 0 | 1 | 2;

/** Normalises any tier string to A, B or C (unknown -> C). */
export function asTier(value: string | null | undefined): Tier {
  return value === 'A' || value === 'B' ? value : 'C';
}
