/** The evaluation classes of the CRM text: attractiveness x relationship -> strategy. */
import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';

export const ATTRACTIVENESS_LEVELS: readonly Attractiveness[] = ['HIGH', 'MEDIUM', 'LOW'];
export const RELATIONSHIP_LEVELS: readonly Relationship[] = ['POOR', 'AVERAGE', 'GOOD'];

/** One named contribution to a class: which input, its value, and the points it gave. */
export interface ScorePart {
  factor: string;
  value: number | null;
  points: number;
}
