import { z } from 'zod';
import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';

/** Rows attractiveness, columns relationship: the strategy name of each cell. */
export type StrategyMatrix = Record<Attractiveness, Record<Relationship, string>>;

/** The default matrix of the design (DESIGN.md, from the CRM text). */
export const defaultStrategyMatrix: StrategyMatrix = {
  HIGH: { POOR: 'maintain-and-develop', AVERAGE: 'develop', GOOD: 'develop-and-defend' },
  MEDIUM: { POOR: 'maintain-minimally', AVERAGE: 'maintain-selectively', GOOD: 'defend' },
  LOW: { POOR: 'exit', AVERAGE: 'maintain-minimally', GOOD: 'defend-selectively' },
};

export function strategyFor(
  attractiveness: Attractiveness,
  relationship: Relationship,
  matrix: StrategyMatrix = defaultStrategyMatrix,
): string {
  return matrix[attractiveness][relationship];
}

const row = z.object({ poor: z.string().min(1), average: z.string().min(1), good: z.string().min(1) }).partial();
const overrideSchema = z.object({ high: row, medium: row, low: row }).partial().strict();

/**
 * A matrix from a JSON override such as `{"low":{"poor":"reduce"}}` (lower-case keys, any cell may
 * be omitted: the default fills it). Throws with a readable message on a bad override.
 */
export function parseStrategyMatrix(json: string | undefined): StrategyMatrix {
  if (json === undefined || json.trim() === '') return defaultStrategyMatrix;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`strategy matrix is not JSON: ${(err as Error).message}`);
  }
  const parsed = overrideSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`strategy matrix: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  const o = parsed.data;
  const merge = (level: Attractiveness, r: z.infer<typeof row> | undefined) => ({
    POOR: r?.poor ?? defaultStrategyMatrix[level].POOR,
    AVERAGE: r?.average ?? defaultStrategyMatrix[level].AVERAGE,
    GOOD: r?.good ?? defaultStrategyMatrix[level].GOOD,
  });
  return { HIGH: merge('HIGH', o.high), MEDIUM: merge('MEDIUM', o.medium), LOW: merge('LOW', o.low) };
}
