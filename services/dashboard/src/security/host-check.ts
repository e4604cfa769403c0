/** Host names every dashboard answers to: it binds to loopback unless configured otherwise. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];

/** The host name of a Host header (`name:port`, `[v6]:port`), lower-cased, without the port. */
export function hostName(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const h = hostHeader.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (v6) return v6[1]!;
  const m = /^([^:]+)(?::\d+)?$/.exec(h);
  return m ? m[1]! : null;
}

/**
 * The names a request's Host may carry: loopback, the bound address, and the configured list.
 * A rebinding attacker's page is served under its own name (`attacker.example`), so its requests
 * carry that name even when it resolves to 127.0.0.1.
 */
export function allowedHostSet(bindHost: string, extra: string[]): Set<string> {
  return new Set([...LOOPBACK_NAMES, bindHost.toLowerCase(), ...extra]);
}

export function hostAllowed(hostHeader: string | undefined, allowed: Set<string>): boolean {
  const name = hostName(hostHeader);
  return name !== null && allowed.has(name);
}

/**
 * A request that names an Origin (browsers do on cross-origin requests, and on every POST) must
 * come from the dashboard itself (same scheme, host and port as the request's Host) or from a
 * configured origin. No Origin (curl, Prometheus, same-origin GET) is fine: the Host check and
 * the token cover those.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, protocol: string, extra: string[]): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  if (hostHeader && o === `${protocol}://${hostHeader.toLowerCase()}`) return true;
  return extra.includes(o);
}
