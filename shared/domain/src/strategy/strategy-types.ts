/** The evaluation classes of the CRM text: attractiveness x relationship -> strategy. */
export type Attractiveness = 'HIGH' | 'MEDIUM' | 'LOW';
export type Relationship = 'GOOD' | 'AVERAGE' | 'POOR';
export type Tier = 'A' | 'B' | 'C';

export const ATTRACTIVENESS_LEVELS: readonly Attractiveness[] = ['HIGH', 'MEDIUM', 'LOW'];
export const RELATIONSHIP_LEVELS: readonly Relationship[] = ['POOR', 'AVERAGE', 'GOOD'];

/** Normalises any tier string to A, B or C (unknown -> C). */
export function asTier(value: string | null | undefined): Tier {
  return value === 'A' || value === 'B' ? value : 'C';
}

/** One named contribution to a class: which input, its value, and the points it gave. */
export interface ScorePart {
  factor: string;
  value: number | null;
  points: number;
}
