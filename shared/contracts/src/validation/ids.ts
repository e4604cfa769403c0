/**
 * The one rule for ids (customerId, transactionId) at every entry point: the aggregator's
 * transaction validation, the profile consumer, the ranker, the dashboard's API and the CLI.
 * 1..100 characters of A-Z a-z 0-9 and `. _ : @ -`: what billing systems, the simulator
 * (`T0001`, `sim-1-T0001-20000-3`), the CDNOW replay (`cdnow-123`) and e-mail-like ids use;
 * no spaces, control characters, braces (Redis hash tags) or `/ ? # %` (URL paths), so every
 * id the aggregator accepts fits in a dashboard URL. Pure.
 */
export const MAX_ID_LENGTH = 100;
export const ID_CHARACTERS = 'A-Z a-z 0-9 . _ : @ -';
const ID_PATTERN = /^[A-Za-z0-9._:@-]+$/;

export type IdProblem = { code: 'ID_EMPTY' | 'ID_TOO_LONG' | 'ID_BAD_CHARACTERS'; reason: string };

/** Why `value` is not a valid id (`what` names it in the reason), or null when it is. */
export function idProblem(value: unknown, what = 'id'): IdProblem | null {
  if (typeof value !== 'string' || value.length === 0) return { code: 'ID_EMPTY', reason: `${what} is empty` };
  if (value.length > MAX_ID_LENGTH) {
    return { code: 'ID_TOO_LONG', reason: `${what} has ${value.length} characters (max ${MAX_ID_LENGTH})` };
  }
  if (!ID_PATTERN.test(value)) {
    return { code: 'ID_BAD_CHARACTERS', reason: `${what} ${JSON.stringify(value.slice(0, 40))} has characters outside ${ID_CHARACTERS}` };
  }
  return null;
}

export const isValidId = (value: unknown): value is string => idProblem(value) === null;
