import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsFromEnv } from '@tierflow/contracts/topics';
import { dashboardConfig } from './dashboard-config';
import type { DashboardStore } from '@tierflow/views/dashboard-store';
import { FeedHub } from './feed-hub';
import { createHttpServer } from './http-server';
import { LiveFeed } from './live-feed';
import { createReadModel } from '@tierflow/views/read-model';
import { securityConfig } from './security/security-config';

const connection = connectionConfig();
const config = dashboardConfig();
const topics = topicsFromEnv();
const logger = createLogger({ name: 'dashboard', level: connection.logLevel });
const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'dashboard' });
const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-dashboard', logger });
const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry, logger });
const security = securityConfig();
const hub = new FeedHub(config.feedSize);
const model = createReadModel({ redis, keyPrefix: config.keyPrefix, transactionsPartitions: config.transactionsPartitions, aggregateContext: config.aggregateContext });
const feed = new LiveFeed({
  kafka, codec, redis, hub, logger, keyPrefix: config.keyPrefix, topics,
  transactionsPartitions: config.transactionsPartitions, backfill: config.feedSize, explain: model.explain,
});
const store = model.store;
const app = createHttpServer({
  data: { ...bind(store), ready: async () => feed.ready && (await store.ready()) },
  hub, logger, apiToken: config.apiToken, portfolio: model.portfolio,
  security, bindHost: config.host,
});

await feed.start();
const address = await app.listen({ host: config.host, port: config.port });
logger.info({ address, tls: security.tls !== null, auth: config.apiToken ? 'token' : 'loopback only', topics: [topics.tierChanges, topics.churnRisk] }, 'dashboard listening');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'dashboard stopping');
  await app.close().catch((err: unknown) => logger.warn({ err }, 'http close failed'));
  await feed.stop().catch((err: unknown) => logger.warn({ err }, 'feed stop failed'));
  redis.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

function bind(s: DashboardStore) {
  return {
    summary: s.summary.bind(s),
    top: s.top.bind(s),
    card: s.card.bind(s),
    scopes: s.scopes.bind(s),
  };
}
