import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.']);

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function isLoopback(host: string): boolean {
  if (LOOPBACK_NAMES.has(host)) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Link-local (169.254/16, fe80::/10: cloud metadata services live there) and unspecified addresses. */
function isForbiddenAddress(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('169.254.') || host === '0.0.0.0';
  if (isIP(host) === 6) return /^fe[89ab][0-9a-f]:/.test(host) || host === '::' || /^::ffff:(169\.254\.|0\.0\.0\.0)/.test(host);
  return false;
}

/**
 * Why a webhook destination is refused, or null when it is acceptable: https only; plain http
 * only to a loopback address or with WEBHOOK_ALLOW_HTTP; never another scheme (file:, gopher:,
 * ...), credentials in the URL, or a link-local or unspecified address (169.254.169.254 is where
 * cloud metadata answers).
 */
export function webhookUrlProblem(raw: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'expected an https URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme ${url.protocol} is not allowed: expected https`;
  if (url.username || url.password) return 'credentials in the URL are not allowed (use WEBHOOK_SECRET)';
  const host = hostOf(url);
  if (isForbiddenAddress(host)) return `address ${host} is not allowed (link-local or unspecified)`;
  if (url.protocol === 'http:' && !isLoopback(host) && !allowHttp) {
    return 'plain http is allowed only to a loopback address or with WEBHOOK_ALLOW_HTTP=true: expected https';
  }
  return null;
}
