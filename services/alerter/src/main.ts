import { runService } from '@tierflow/runtime/service/service-main';
import { ensureServiceTopics } from '@tierflow/runtime/kafka/topic-setup';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { AlertStore } from './alert-store';
import { alerterConfigFromEnv } from './alerter-config';
import { createAlerterMetrics } from './alerter-metrics';
import { createAlerterService } from './alerter-service';
import { DeliveryQueue } from './delivery-queue';
import { createQueueBound } from './queue-bound';
import { createWebhookMetrics } from './webhook-metrics';
import { createWebhookSink } from './webhook-sink';

await runService({
  name: 'alerter',
  config: () => ({ ...alerterConfigFromEnv(), topics: topicsFromEnv() }),
  start: async ({ config, logger, kafka, redis, codec, onStop, serveHttp }) => {
    const { topics } = config;
    const metrics = createAlerterMetrics();
    const store = new AlertStore({ redis, prefix: config.prefix, dedupeTtlSeconds: config.dedupeTtlSeconds });
    await ensureServiceTopics({ admin: kafka.admin(), topics, names: [topics.churnRisk, topics.tierChanges], extra: [config.dlqTopic] });
    const webhook = config.webhook ? createWebhookSink(config.webhook) : null;
    const queue = new DeliveryQueue({ redis, prefix: config.prefix });
    const deliveryMetrics = createWebhookMetrics({ registry: metrics.registry, queue, capacity: config.queueCapacity });
    const bound = createQueueBound({ queue, capacity: config.queueCapacity, logger, onFull: deliveryMetrics.onFull });
    const delivery = { queue, bound, metrics: deliveryMetrics };
    const service = createAlerterService({ kafka, codec, store, topics, webhook, config, metrics, delivery, logger });
    await serveHttp({ host: config.httpHost, port: config.httpPort, registry: metrics.registry, ready: service.ready });
    await service.start();
    onStop(() => service.stop());
  },
});
