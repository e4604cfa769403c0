import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { startServiceHttp } from '@tierflow/runtime/service/service-http';
import { stopOnSignals } from '@tierflow/runtime/service/stop-signals';
import { ensureServiceTopics } from '@tierflow/runtime/kafka/topic-setup';
import { topicsFromEnv } from '@tierflow/contracts/topics';
import { AlertStore } from './alert-store';
import { alerterConfigFromEnv } from './alerter-config';
import { createAlerterMetrics } from './alerter-metrics';
import { createAlerterService } from './alerter-service';
import { DeliveryQueue } from './delivery-queue';
import { createQueueBound } from './queue-bound';
import { createWebhookMetrics } from './webhook-metrics';
import { createWebhookSink } from './webhook-sink';

const connection = connectionConfig();
const config = alerterConfigFromEnv();
const topics = topicsFromEnv();
const logger = createLogger({ name: 'alerter', level: connection.logLevel });
const metrics = createAlerterMetrics();
const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-alerter', logger });
const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'alerter' });
const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry, logger });
const store = new AlertStore({ redis, prefix: config.prefix, dedupeTtlSeconds: config.dedupeTtlSeconds });

async function main(): Promise<void> {
  await ensureServiceTopics({ admin: kafka.admin(), topics, names: [topics.churnRisk, topics.tierChanges], extra: [config.dlqTopic] });
  const webhook = config.webhook ? createWebhookSink(config.webhook) : null;
  const queue = new DeliveryQueue({ redis, prefix: config.prefix });
  const deliveryMetrics = createWebhookMetrics({ registry: metrics.registry, queue, capacity: config.queueCapacity });
  const bound = createQueueBound({ queue, capacity: config.queueCapacity, logger, onFull: deliveryMetrics.onFull });
  const delivery = { queue, bound, metrics: deliveryMetrics };
  const service = createAlerterService({ kafka, codec, store, topics, webhook, config, metrics, delivery, logger });
  const http = await startServiceHttp({
    service: 'alerter',
    host: config.httpHost,
    port: config.httpPort,
    registry: metrics.registry,
    logger,
    ready: service.ready,
  });
  await service.start();
  stopOnSignals(logger, async () => {
    await service.stop();
    await http.close();
    redis.disconnect();
  });
}

main().catch((err: Error & { code?: string }) => {
  logger.fatal({ err: err.message, code: err.code }, 'alerter failed to start');
  process.exit(1);
});
