import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { aliveBody, readyBody } from '@tierflow/runtime/service/health-body';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processRegistry } from '@tierflow/runtime/service/process-health';
import { Registry, collectDefaultMetrics, Counter } from 'prom-client';
import type { DashboardData } from '@tierflow/views/dashboard-data';
import type { FeedHub } from './feed-hub';
import type { FeedItem } from '@tierflow/views/feed-item';
import type { PortfolioReader } from '@tierflow/views/portfolio/portfolio-reader';
import { registerPortfolioRoutes } from './portfolio/portfolio-routes';
import { registerSecurity } from './security/register-security';
import { defaultSecurity, type DashboardSecurity } from './security/security-config';
import { createSseGate } from './security/sse-gate';
import { MAX_CUSTOMER_ID_LENGTH, parseCustomerId, parseLimit, RequestError } from '@tierflow/contracts/scopes/request-validation';
import { parseScope, scopeName, type Scope } from '@tierflow/contracts/scopes/scope';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const chartJsFile = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

/** Static files of the page: URL -> [file, content type]. No build step: plain HTML, CSS and JS. */
const STATIC: Record<string, [string, string]> = {
  '/': [path.join(publicDir, 'index.html'), 'text/html; charset=utf-8'],
  '/customer': [path.join(publicDir, 'customer.html'), 'text/html; charset=utf-8'],
  '/app.js': [path.join(publicDir, 'app.js'), 'text/javascript; charset=utf-8'],
  '/customer.js': [path.join(publicDir, 'customer.js'), 'text/javascript; charset=utf-8'],
  '/common.js': [path.join(publicDir, 'common.js'), 'text/javascript; charset=utf-8'],
  '/style.css': [path.join(publicDir, 'style.css'), 'text/css; charset=utf-8'],
  '/vendor/chart.umd.js': [chartJsFile, 'text/javascript; charset=utf-8'],
};

/** Whether a feed item belongs to a scope's view. */
export function feedFilterFor(scope: Scope): (item: FeedItem) => boolean {
  if (scope.kind === 'global') return (item) => item.scope === 'global';
  const name = scopeName(scope);
  return (item) => item.scope === name || (item.type === 'churn-risk' && item.region === scope.region);
}

/**
 * The dashboard's HTTP server: the JSON API, the live feed (server-sent events), the page, health
 * and metrics. With an API token every request but the probes must present it (401 otherwise).
 */
export function createHttpServer(params: {
  data: DashboardData;
  hub: FeedHub;
  logger: Logger;
  apiToken: string | null;
  /** SSE keep-alive comment interval */
  heartbeatMs?: number;
  /** the worklist, lists and matrix (portfolio/); their routes are absent without it */
  portfolio?: PortfolioReader;
  /** Host/Origin allow-lists, TLS, SSE limits, the bad-token rate (security/); defaults when absent */
  security?: DashboardSecurity;
  /** the address it binds to (allowed as a Host besides loopback) */
  bindHost?: string;
}): FastifyInstance {
  return buildApp(params) as unknown as FastifyInstance;
}

function buildApp(params: Parameters<typeof createHttpServer>[0]) {
  const { data, hub, apiToken } = params;
  // fastify's own request logging stays off; failures are logged by the error handler below
  // an id of MAX_CUSTOMER_ID_LENGTH characters fits even when a client percent-encodes every one
  const security = params.security ?? defaultSecurity();
  const app = Fastify({
    logger: false,
    maxParamLength: 3 * MAX_CUSTOMER_ID_LENGTH + 16,
    trustProxy: security.trustProxy,
    ...(security.tls ? { https: { cert: security.tls.cert, key: security.tls.key } } : {}),
  });
  const metrics = new Registry();
  // Node's default metrics under their stock names, each series labelled with the service
  collectDefaultMetrics({ register: metrics, labels: { service: 'dashboard' } });
  const requests = new Counter({ name: 'dashboard_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [metrics] });

  // headers, Host/Origin allow-lists, the token (header or session cookie), the bad-token rate limit
  registerSecurity(app as unknown as FastifyInstance, { apiToken, bindHost: params.bindHost ?? '127.0.0.1', security, metrics });
  const sse = createSseGate({ max: security.sseMax, maxBufferBytes: security.sseMaxBufferBytes, metrics });
  app.addHook('onResponse', async (req, reply) => {
    requests.inc({ route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof RequestError) return reply.code(err.statusCode).send({ error: err.code, reason: err.message });
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: 'BAD_REQUEST', reason: (err as Error).message });
    params.logger.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', reason: 'the dashboard could not read its data; see its log' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'NOT_FOUND', reason: `no route ${req.method} ${req.url.split('?')[0]}` }));

  app.get('/healthz', async () => aliveBody('dashboard'));
  app.get('/readyz', async (_req, reply) => {
    const ready = await data.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send(readyBody('dashboard', ready));
  });
  // its own metrics and the shared components' (the live feed's consumer: up, lag), merged per scrape
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await Registry.merge([metrics, processRegistry]).metrics()));

  type Q = { Querystring: Record<string, string | undefined> };
  app.get<Q>('/api/scopes', async () => ({ scopes: await data.scopes() }));
  app.get<Q>('/api/summary', async (req) => data.summary(parseScope(req.query.scope)));
  app.get<Q>('/api/top', async (req) => {
    const scope = parseScope(req.query.scope);
    return { scope: scopeName(scope), rows: await data.top(scope, parseLimit(req.query.limit, 20, 500)) };
  });
  app.get<Q & { Params: { id: string } }>('/api/customers/:id', async (req, reply) => {
    const id = parseCustomerId(req.params.id);
    const card = await data.card(id, parseScope(req.query.scope));
    if (!card) return reply.code(404).send({ error: 'UNKNOWN_CUSTOMER', reason: `no customer ${id}: no transactions and no profile were received for it` });
    return card;
  });
  app.get<Q>('/api/feed', async (req) => {
    const scope = parseScope(req.query.scope);
    const limit = parseLimit(req.query.limit, 50, 500);
    const filter = feedFilterFor(scope);
    const only = req.query.type;
    if (only !== undefined && only !== 'tier-change' && only !== 'churn-risk') {
      throw new RequestError(400, 'BAD_TYPE', `type must be tier-change or churn-risk, got ${JSON.stringify(only.slice(0, 40))}`);
    }
    return { scope: scopeName(scope), items: hub.recent((i) => filter(i) && (!only || i.type === only), limit) };
  });
  app.get<Q>('/events', (req, reply) => {
    const scope = parseScope(req.query.scope);
    const slot = sse.acquire();
    if (!slot) {
      return reply.code(503).header('Retry-After', '5').send({ error: 'TOO_MANY_STREAMS', reason: `the live feed has its ${sse.max} connections (DASHBOARD_SSE_MAX)` });
    }
    // helmet's headers were set on the reply; hijacking bypasses them, so they are copied over
    const headers = { ...reply.getHeaders() } as Record<string, string>;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 2000\n: connected to ${scopeName(scope)}\n\n`);
    const send = (item: FeedItem) => void sse.write(res, `event: ${item.type}\ndata: ${JSON.stringify(item)}\n\n`);
    const unsubscribe = hub.subscribe(feedFilterFor(scope), send);
    const heartbeat = setInterval(() => sse.write(res, ': keep-alive\n\n'), params.heartbeatMs ?? 15_000);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      slot.release();
    });
  });

  if (params.portfolio) registerPortfolioRoutes(app as unknown as FastifyInstance, { portfolio: params.portfolio });
  for (const [url, [file, type]] of Object.entries(STATIC)) {
    app.get(url, async (_req, reply) => reply.type(type).header('Cache-Control', 'no-cache').send(await readFile(file)));
  }
  return app;
}
