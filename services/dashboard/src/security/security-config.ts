import { z } from 'zod';
import { ConfigError, envBool, envInt, parseEnv } from '@tierflow/runtime/config/config-env';
import { envFile } from '@tierflow/runtime/config/secret-file';

const list = () =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

/** The dashboard's security settings (issue 17). */
export const securityShape = {
  /** host names (without port) the Host header may carry, besides loopback and DASHBOARD_HOST: DNS rebinding defence */
  DASHBOARD_ALLOWED_HOSTS: list(),
  /** origins (scheme://host[:port]) a browser request may come from, besides the dashboard's own */
  DASHBOARD_ALLOWED_ORIGINS: list(),
  /** serve HTTPS with this certificate and key (the session cookie is then Secure) */
  DASHBOARD_TLS_CERT_FILE: envFile(),
  DASHBOARD_TLS_KEY_FILE: envFile(),
  /** behind a TLS-terminating proxy: trust X-Forwarded-Proto/-For from it */
  DASHBOARD_TRUST_PROXY: envBool(false),
  DASHBOARD_SSE_MAX: envInt(100, 1, 100_000),
  /** a live-feed reader with more than this many bytes unsent is disconnected (it reconnects and catches up) */
  DASHBOARD_SSE_MAX_BUFFER_BYTES: envInt(1 << 20, 1_024),
  /** wrong tokens per client address per minute before it is refused with 429 */
  DASHBOARD_AUTH_FAILURES_PER_MINUTE: envInt(10, 1, 100_000),
  DASHBOARD_SESSION_HOURS: envInt(12, 1, 24 * 30),
};

export interface DashboardSecurity {
  allowedHosts: string[];
  allowedOrigins: string[];
  tls: { cert: string; key: string } | null;
  trustProxy: boolean;
  sseMax: number;
  sseMaxBufferBytes: number;
  authFailuresPerMinute: number;
  sessionMs: number;
}

export const defaultSecurity = (): DashboardSecurity => ({
  allowedHosts: [],
  allowedOrigins: [],
  tls: null,
  trustProxy: false,
  sseMax: 100,
  sseMaxBufferBytes: 1 << 20,
  authFailuresPerMinute: 10,
  sessionMs: 12 * 3_600_000,
});

export function securityConfig(env: NodeJS.ProcessEnv = process.env): DashboardSecurity {
  const c = parseEnv(securityShape, env);
  if (!!c.DASHBOARD_TLS_CERT_FILE !== !!c.DASHBOARD_TLS_KEY_FILE) {
    const missing = c.DASHBOARD_TLS_CERT_FILE ? 'DASHBOARD_TLS_KEY_FILE' : 'DASHBOARD_TLS_CERT_FILE';
    throw new ConfigError([{ variable: missing, message: 'DASHBOARD_TLS_CERT_FILE and DASHBOARD_TLS_KEY_FILE go together' }]);
  }
  for (const origin of c.DASHBOARD_ALLOWED_ORIGINS) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) throw new ConfigError([{ variable: 'DASHBOARD_ALLOWED_ORIGINS', message: `${origin} is not scheme://host[:port]` }]);
  }
  return {
    allowedHosts: c.DASHBOARD_ALLOWED_HOSTS.map((h) => h.toLowerCase()),
    allowedOrigins: c.DASHBOARD_ALLOWED_ORIGINS.map((o) => o.toLowerCase()),
    tls: c.DASHBOARD_TLS_CERT_FILE && c.DASHBOARD_TLS_KEY_FILE ? { cert: c.DASHBOARD_TLS_CERT_FILE, key: c.DASHBOARD_TLS_KEY_FILE } : null,
    trustProxy: c.DASHBOARD_TRUST_PROXY,
    sseMax: c.DASHBOARD_SSE_MAX,
    sseMaxBufferBytes: c.DASHBOARD_SSE_MAX_BUFFER_BYTES,
    authFailuresPerMinute: c.DASHBOARD_AUTH_FAILURES_PER_MINUTE,
    sessionMs: c.DASHBOARD_SESSION_HOURS * 3_600_000,
  };
}
