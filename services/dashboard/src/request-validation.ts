/** Why a request was refused: the HTTP status and a reason the client can read. */
export class RequestError extends Error {
  readonly retriable = false;
  constructor(
    readonly statusCode: 400 | 401 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** The longest customer id the aggregator accepts (services/aggregator transaction validation). */
export const MAX_CUSTOMER_ID_LENGTH = 128;

/**
 * A customer id as the billing system writes it: 1..128 printable characters without spaces,
 * and without braces (they would break the Redis hash tag of the key). Throws 400 otherwise.
 */
export function parseCustomerId(raw: string | undefined): string {
  if (raw === undefined || raw.length === 0) throw new RequestError(400, 'BAD_CUSTOMER_ID', 'customer id is empty');
  if (raw.length > MAX_CUSTOMER_ID_LENGTH) {
    throw new RequestError(400, 'BAD_CUSTOMER_ID', `customer id has ${raw.length} characters (max ${MAX_CUSTOMER_ID_LENGTH})`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f{}]/.test(raw)) {
    throw new RequestError(400, 'BAD_CUSTOMER_ID', 'customer id may not contain spaces, control characters or braces');
  }
  return raw;
}

/** A scope: "global" or "region:<name>". */
export type Scope = { kind: 'global' } | { kind: 'region'; region: string };

export function parseScope(raw: string | undefined): Scope {
  if (raw === undefined || raw === '' || raw === 'global') return { kind: 'global' };
  const m = /^region:([A-Za-z0-9_.-]{1,64})$/.exec(raw);
  if (!m) throw new RequestError(400, 'BAD_SCOPE', `scope must be "global" or "region:<name>", got ${JSON.stringify(raw.slice(0, 80))}`);
  return { kind: 'region', region: m[1] as string };
}

export const scopeName = (scope: Scope): string => (scope.kind === 'global' ? 'global' : `region:${scope.region}`);

/** A positive integer query parameter with a default and a ceiling. */
export function parseLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new RequestError(400, 'BAD_LIMIT', `limit must be a whole number, got ${JSON.stringify(raw.slice(0, 20))}`);
  const n = Number(raw);
  if (n < 1 || n > max) throw new RequestError(400, 'BAD_LIMIT', `limit must be between 1 and ${max}, got ${n}`);
  return n;
}
