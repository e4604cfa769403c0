import { timingSafeEqual } from 'node:crypto';

/** Cookie the page keeps the token in after it was opened with ?token=..., so its scripts and SSE carry it. */
export const TOKEN_COOKIE = 'tierflow_token';

export interface TokenSources {
  authorization?: string | undefined;
  cookie?: string | undefined;
  queryToken?: string | undefined;
}

/** The token a request presents: `Authorization: Bearer`, then the cookie, then `?token=`. */
export function presentedToken(s: TokenSources): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(s.authorization ?? '');
  if (bearer) return bearer[1] as string;
  for (const part of (s.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE && v.length > 0) return decodeURIComponent(v.join('='));
  }
  return s.queryToken && s.queryToken.length > 0 ? s.queryToken : null;
}

/** Compares in constant time (for equal lengths), so the token cannot be guessed byte by byte. */
export function tokenMatches(expected: string, presented: string | null): boolean {
  if (presented === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
