import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { bearerToken, cookieValue, SESSION_COOKIE, tokenMatches } from '../api-token';
import { allowedHostSet, hostAllowed, originAllowed } from './host-check';
import type { DashboardSecurity } from './security-config';
import { SessionStore } from './sessions';

const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

/** Paths anyone may call (probes, and the sign-in page with its script). */
export const OPEN_PATHS = new Set(['/healthz', '/readyz', '/login', '/login.js', '/style.css']);

/**
 * The dashboard's security layer, in front of every route:
 * - security headers from @fastify/helmet (a strict CSP: everything from 'self'; HSTS only under TLS);
 * - a Host allow-list (loopback, the bound address, DASHBOARD_ALLOWED_HOSTS), so a DNS-rebinding
 *   page cannot read the API, and an Origin check for browser requests from elsewhere;
 * - with an API token: the token only in `Authorization: Bearer` (never in the URL, where logs
 *   and the Referer keep it), or a session cookie from a one-time exchange (POST /auth/session),
 *   HttpOnly, SameSite=Strict, and Secure when served over TLS;
 * - wrong tokens counted per client address by @fastify/rate-limit: past the limit that address
 *   gets 429 for the rest of the window, whatever it presents.
 */
export function registerSecurity(app: FastifyInstance, params: {
  apiToken: string | null;
  bindHost: string;
  security: DashboardSecurity;
  metrics: Registry;
}): void {
  const { apiToken, security } = params;
  const tls = security.tls !== null;
  const hosts = allowedHostSet(params.bindHost, security.allowedHosts);
  const sessions = new SessionStore({ ttlMs: security.sessionMs });
  const refused = new Counter({
    name: 'dashboard_requests_refused_total',
    help: 'requests refused by the security layer, by reason (host, origin, token, rate-limit)',
    labelNames: ['reason'],
    registers: [params.metrics],
  });
  /** addresses past the bad-token limit, until when */
  const blocked = new Map<string, number>();

  void app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'upgrade-insecure-requests': tls ? [] : null, 'connect-src': ["'self'"] },
    },
    hsts: tls ? { maxAge: 31_536_000 } : false,
  });
  void app.register(rateLimit, { global: false });

  app.after((err) => {
    if (err) throw err;
    const badTokens = app.createRateLimit({ max: security.authFailuresPerMinute, timeWindow: 60_000, keyGenerator: (req) => req.ip });
    const refuse = (reply: FastifyReply, status: number, reason: string, error: string, message: string) => {
      refused.inc({ reason });
      return reply.code(status).send({ error, reason: message });
    };

    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0] ?? '';
      if (!hostAllowed(req.headers.host, hosts)) {
        return refuse(reply, 403, 'host', 'HOST_NOT_ALLOWED', 'this Host is not one the dashboard answers to (DASHBOARD_ALLOWED_HOSTS)');
      }
      if (!originAllowed(req.headers.origin, req.headers.host, req.protocol, security.allowedOrigins)) {
        return refuse(reply, 403, 'origin', 'ORIGIN_NOT_ALLOWED', 'requests from this Origin are not allowed (DASHBOARD_ALLOWED_ORIGINS)');
      }
      if (!apiToken || OPEN_PATHS.has(path)) return;
      const until = blocked.get(req.ip);
      if (until !== undefined && until > Date.now()) {
        reply.header('Retry-After', String(Math.ceil((until - Date.now()) / 1000)));
        return refuse(reply, 429, 'rate-limit', 'TOO_MANY_BAD_TOKENS', 'too many wrong tokens from this address; try again later');
      }
      const token = bearerToken(req.headers.authorization);
      if (token !== null) {
        if (tokenMatches(apiToken, token)) return;
        const limit = await badTokens(req);
        if (!limit.isAllowed && limit.isExceeded) {
          blocked.set(req.ip, Date.now() + limit.ttl);
          reply.header('Retry-After', String(Math.ceil(limit.ttl / 1000)));
          return refuse(reply, 429, 'rate-limit', 'TOO_MANY_BAD_TOKENS', 'too many wrong tokens from this address; try again later');
        }
        return refuse(reply, 401, 'token', 'UNAUTHORIZED', 'the API token is wrong');
      }
      if (sessions.valid(cookieValue(req.headers.cookie, SESSION_COOKIE))) return;
      const inUrl = /[?&]token=/.test(req.url);
      return refuse(reply, 401, 'token', 'UNAUTHORIZED', inUrl
        ? 'a token in the URL is not accepted: send Authorization: Bearer <token>, or sign in at /login'
        : 'this dashboard requires an API token (Authorization: Bearer <token>, or sign in at /login)');
    });

    // the one-time exchange: a request that passed the check above with the token gets a session cookie
    app.post('/auth/session', async (req, reply) => {
      if (!apiToken) return reply.code(204).send();
      if (bearerToken(req.headers.authorization) === null) {
        return reply.code(400).send({ error: 'TOKEN_REQUIRED', reason: 'POST the token in Authorization: Bearer <token>' });
      }
      const cookie = [
        `${SESSION_COOKIE}=${sessions.create()}`, 'HttpOnly', 'SameSite=Strict', 'Path=/',
        `Max-Age=${Math.floor(security.sessionMs / 1000)}`, ...(req.protocol === 'https' ? ['Secure'] : []),
      ];
      return reply.code(204).header('Set-Cookie', cookie.join('; ')).send();
    });
    app.get('/login', async (_req, reply) => reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(await readFile(`${publicDir}login.html`)));
    app.get('/login.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(await readFile(`${publicDir}login.js`)));
  });
}
