import { runService } from '@tierflow/runtime/service/service-main';
import { ensureServiceTopics } from '@tierflow/runtime/kafka/topic-setup';
import { valueSubject } from '@tierflow/contracts/topics';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { churnConfigFromEnv } from './churn-config';
import { createChurnMetrics } from './churn-metrics';
import { createChurnService } from './churn-service';
import { ChurnStore } from './churn-store';

await runService({
  name: 'churn-watch',
  config: () => ({ ...churnConfigFromEnv(), topics: topicsFromEnv() }),
  start: async ({ config, logger, kafka, redis, codec, onStop, serveHttp }) => {
    const { topics } = config;
    const metrics = createChurnMetrics();
    const store = new ChurnStore({ redis, prefix: config.prefix, recentMax: config.recentMax });
    await ensureServiceTopics({ admin: kafka.admin(), topics, names: [topics.aggregates, topics.tierChanges, topics.churnRisk], extra: [config.dlqTopic] });
    const schemaId = await codec.registerFile(valueSubject(topics.churnRisk), 'ChurnRisk.avsc');
    const service = createChurnService({ kafka, codec, store, topics, churnRiskSchemaId: schemaId, config, metrics, logger });
    await serveHttp({ host: config.httpHost, port: config.httpPort, registry: metrics.registry, ready: service.ready });
    await service.start();
    onStop(() => service.stop());
  },
});
