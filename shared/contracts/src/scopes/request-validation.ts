import { BadInputError } from '../errors/tierflow-error';
import type { RequestRefusal } from '../errors/error-codes';
import { ID_CHARACTERS, MAX_ID_LENGTH, idProblem } from '../validation/ids';

/** Why a request was refused: the HTTP status and a reason the client can read. */
export class RequestError extends BadInputError<RequestRefusal> {
  constructor(
    readonly statusCode: 400 | 401 | 404,
    code: RequestRefusal,
    message: string,
  ) {
    super(code, message);
    this.name = 'RequestError';
  }
}

/** The longest customer id any entry point accepts (shared/contracts/src/validation/ids.ts). */
export const MAX_CUSTOMER_ID_LENGTH = MAX_ID_LENGTH;

/**
 * A customer id by the one id rule the aggregator also applies (shared/contracts/src/validation/ids.ts),
 * so every customer the aggregator stores can be looked up here. Throws 400 otherwise.
 */
export function parseCustomerId(raw: string | undefined): string {
  const bad = idProblem(raw, 'customer id');
  if (!bad) return raw as string;
  if (bad.code === 'ID_BAD_CHARACTERS') {
    throw new RequestError(400, 'BAD_CUSTOMER_ID', `customer id may only contain ${ID_CHARACTERS} (no spaces, control characters or braces)`);
  }
  throw new RequestError(400, 'BAD_CUSTOMER_ID', bad.reason);
}

/** A positive integer query parameter with a default and a ceiling. */
export function parseLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new RequestError(400, 'BAD_LIMIT', `limit must be a whole number, got ${JSON.stringify(raw.slice(0, 20))}`);
  const n = Number(raw);
  if (n < 1 || n > max) throw new RequestError(400, 'BAD_LIMIT', `limit must be between 1 and ${max}, got ${n}`);
  return n;
}
