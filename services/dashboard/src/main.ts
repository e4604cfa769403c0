import { runService } from '@tierflow/runtime/service/service-main';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { dashboardConfig } from './dashboard-config';
import type { DashboardStore } from '@tierflow/views/dashboard-store';
import { FeedHub } from './feed-hub';
import { createHttpServer } from './http-server';
import { LiveFeed } from './live-feed';
import { createReadModel } from '@tierflow/views/read-model';
import { securityConfig } from './security/security-config';

// the dashboard serves /healthz, /readyz and /metrics on its own API server (http-server.ts)
await runService({
  name: 'dashboard',
  config: () => ({ ...dashboardConfig(), topics: topicsFromEnv(), security: securityConfig() }),
  start: async ({ config, logger, kafka, redis, codec, onStop }) => {
    const { topics, security } = config;
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
    onStop(() => feed.stop());
    const address = await app.listen({ host: config.host, port: config.port });
    onStop(() => app.close());
    logger.info({ address, tls: security.tls !== null, auth: config.apiToken ? 'token' : 'loopback only', topics: [topics.tierChanges, topics.churnRisk] }, 'dashboard listening');
  },
});

function bind(s: DashboardStore) {
  return {
    summary: s.summary.bind(s),
    top: s.top.bind(s),
    card: s.card.bind(s),
    scopes: s.scopes.bind(s),
  };
}
