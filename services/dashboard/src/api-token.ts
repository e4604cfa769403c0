import { timingSafeEqual } from 'node:crypto';

/** The cookie a browser gets from the one-time exchange (POST /auth/session): a session id, never the token. */
export const SESSION_COOKIE = 'tierflow_session';

/** The token of `Authorization: Bearer <token>`, the only place a token is accepted. */
export function bearerToken(authorization: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return bearer ? (bearer[1] as string) : null;
}

/** A cookie's value from a Cookie header. */
export function cookieValue(cookie: string | undefined, name: string): string | null {
  for (const part of (cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name && v.length > 0) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** Compares in constant time (for equal lengths), so the token cannot be guessed byte by byte. */
export function tokenMatches(expected: string, presented: string | null): boolean {
  if (presented === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
