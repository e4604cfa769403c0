import Fastify, { type FastifyInstance } from 'fastify';
import { AggregatorRegistry, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { aliveBody, readyBody } from './health-body';
import type { Logger } from './logger';
import { processHealth, processRegistry } from './process-health';

/** What a service's worker threads report per scrape: their series, and why they are not ready. */
export type ThreadScrape = () => Promise<{ metrics: MetricObjectWithValues<MetricValue<string>>[][]; problems: string[] }>;

export interface ServiceHttp {
  app: FastifyInstance;
  registry: Registry;
  /** the port actually bound (HTTP_PORT 0 picks a free one) */
  port: number;
  close: () => Promise<void>;
}

/**
 * The operational endpoints every service has: /metrics (Prometheus text), /healthz (the
 * process is alive) and /readyz (the service's own readiness check passes).
 */
export async function startServiceHttp(params: {
  service: string;
  host: string;
  port: number;
  registry: Registry;
  logger: Logger;
  ready: () => boolean;
  /** worker threads with metrics and readiness of their own (the aggregator's apply threads) */
  threads?: ThreadScrape;
}): Promise<ServiceHttp> {
  // Node's default metrics under their stock names (process_*, nodejs_*: what stock Node.js
  // dashboards query), each series labelled with the service (tierflow_* names say it already)
  collectDefaultMetrics({ register: params.registry, labels: { service: params.service } });
  const app = Fastify({ logger: false });
  processHealth.configure();
  app.get('/metrics', async (_req, reply) => {
    reply.header('Content-Type', params.registry.contentType);
    // the service's metrics and the shared components' (consumers, outboxes), merged per scrape
    const merged = Registry.merge([params.registry, processRegistry]);
    if (!params.threads) return merged.metrics();
    // and the threads': a series they share is summed (counters, histograms: disjoint shards)
    const own = (await merged.getMetricsAsJSON()).map((m) => (m.aggregator === 'omit' ? { ...m, aggregator: 'first' as const } : m));
    return AggregatorRegistry.aggregate([own, ...(await params.threads()).metrics]).metrics();
  });
  app.get('/healthz', async () => aliveBody(params.service));
  app.get('/readyz', async (_req, reply) => {
    // not ready while a consumer is crashed or restarting, or an outbox's oldest entry is too old
    const problems = [...processHealth.problems(), ...(params.threads ? (await params.threads()).problems : [])];
    const ready = params.ready() && problems.length === 0;
    reply.code(ready ? 200 : 503);
    return readyBody(params.service, ready, problems);
  });
  await app.listen({ host: params.host, port: params.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : params.port;
  params.logger.info({ host: params.host, port }, 'metrics and health endpoints listening');
  return { app, registry: params.registry, port, close: () => app.close() };
}
