import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { startServiceHttp } from '@tierflow/runtime/service/service-http';
import { stopOnSignals } from '@tierflow/runtime/service/stop-signals';
import { ensureServiceTopics } from '@tierflow/runtime/kafka/topic-setup';
import { topicsFromEnv, valueSubject } from '@tierflow/contracts/topics';
import { churnConfigFromEnv } from './churn-config';
import { createChurnMetrics } from './churn-metrics';
import { createChurnService } from './churn-service';
import { ChurnStore } from './churn-store';

const connection = connectionConfig();
const config = churnConfigFromEnv();
const topics = topicsFromEnv();
const logger = createLogger({ name: 'churn-watch', level: connection.logLevel });
const metrics = createChurnMetrics();

const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-churn-watch', logger });
const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'churn-watch' });
const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry, logger });
const store = new ChurnStore({ redis, prefix: config.prefix, recentMax: config.recentMax });

async function main(): Promise<void> {
  await ensureServiceTopics({ admin: kafka.admin(), topics, names: [topics.aggregates, topics.tierChanges, topics.churnRisk], extra: [config.dlqTopic] });
  const schemaId = await codec.registerFile(valueSubject(topics.churnRisk), 'ChurnRisk.avsc');
  const service = createChurnService({ kafka, codec, store, topics, churnRiskSchemaId: schemaId, config, metrics, logger });
  const http = await startServiceHttp({
    service: 'churn-watch',
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
  logger.fatal({ err: err.message, code: err.code }, 'churn-watch failed to start');
  process.exit(1);
});
