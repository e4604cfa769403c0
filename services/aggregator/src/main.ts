import avro from 'avsc';
import { Registry } from 'prom-client';
import { CachingPartitioner } from '@tierflow/runtime/kafka/caching-partitioner';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { startPartitionConsumer } from '@tierflow/runtime/kafka/partition-consumer';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { startServiceHttp } from '@tierflow/runtime/service/service-http';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import { valueSubject } from '@tierflow/contracts/topics';
import { createAggregateEmitter } from './aggregate-emitter';
import { aggregatorConfig } from './aggregator-config';
import { createAggregatorMetrics } from './aggregator-metrics';
import { readAppliedOffset } from '@tierflow/contracts/keyspace/aggregator/applied-offset-reader';
import { startLiveClock } from './live-clock';
import { StateCache } from './partition-cache';
import { startProfileConsumer } from './profile-consumer';
import { startRepartitionStage } from './repartition/repartition-stage';
import { checkShardTopic } from './repartition/shard-topic';
import { createTransactionHandler } from './transaction-batch-handler';

const config = aggregatorConfig();
const logger = createLogger({ name: 'aggregator', level: config.connection.logLevel });
const kafka = createKafka({ brokers: config.connection.kafkaBrokers, security: config.connection.kafkaSecurity, clientId: 'tierflow-aggregator', logger });
const redis = createRedis({ url: config.connection.redisUrl, tls: config.connection.redisTls, logger, name: 'aggregator' });
const codec = new SchemaCodec({ registryUrl: config.connection.registryUrl, registry: config.connection.registry, logger });
const registry = new Registry();
const metrics = createAggregatorMetrics(registry);
let ready = false;

const transactionSchema = await readSchemaFile('TransactionEvent.avsc');
await codec.register(valueSubject(config.topics.transactions), transactionSchema);
const aggregateSchemaId = await codec.registerFile(valueSubject(config.topics.aggregates), 'CustomerAggregate.avsc');
await codec.registerFile(valueSubject(config.topics.profiles), 'CustomerProfile.avsc');
const readerType = avro.Type.forSchema(JSON.parse(transactionSchema));

const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, pipelineTopicSpecs(config.topics, config.transactionPartitions));
await checkShardTopic(admin, config.topics.transactionsByCustomer, config.transactionPartitions);
await admin.disconnect();

const producer = kafka.producer({ createPartitioner: CachingPartitioner, idempotent: true, maxInFlightRequests: 1 });
await producer.connect();

const emitter = createAggregateEmitter({
  redis, producer, codec, schemaId: aggregateSchemaId, topic: config.topics.aggregates, prefix: config.prefix,
  currency: config.rules.reportingCurrency, currentWindowDays: config.windows.currentWindowDays,
  rankingWindowDays: config.windows.rankingWindowDays, onEmitted: (n) => metrics.aggregatesOut.inc(n),
});
const cache = new StateCache(config.cacheCustomersPerPartition);
const handleBatch = createTransactionHandler({
  cache, redis, codec, readerType, producer, dlqTopic: config.topics.transactionsDlq, prefix: config.prefix, shards: config.transactionPartitions,
  rules: config.rules, windows: config.windows, liveClock: config.liveClock, emitter, metrics, logger, stepEvents: config.applyStepEvents,
});

// the apply stage: the by-customer topic, one partition per customer shard, exactly once into Redis
const transactions = await startPartitionConsumer({
  kafka, groupId: config.groupId, topics: [config.topics.transactionsByCustomer], logger,
  partitionsConsumedConcurrently: config.partitionsConcurrently,
  appliedOffset: (topic, partition) => readAppliedOffset(redis, config.prefix, topic, partition),
  onPartitionStart: async (_topic, partition) => {
    const flushed = await emitter.flushOutbox(partition);
    if (flushed > 0) logger.info({ partition, flushed }, 'outbox flushed after assignment');
  },
  onAssigned: async (_topic, partition) => {
    const flushed = await emitter.flushOutbox(partition);
    if (flushed > 0) logger.info({ partition, flushed }, 'outbox flushed on assignment');
  },
  handleBatch,
});
// the repartition stage: billing.transactions, however it is partitioned, re-keyed into the shards
const repartition = await startRepartitionStage({
  kafka, codec, readerType, groupId: `${config.groupId}-repartition`, source: config.topics.transactions,
  target: config.topics.transactionsByCustomer, dlqTopic: config.topics.transactionsDlq, rules: config.rules,
  partitionsConcurrently: config.partitionsConcurrently, metadataMaxAgeMs: config.sourceMetadataMaxAgeMs, metrics, logger,
});
const profiles = await startProfileConsumer({
  kafka, redis, codec, producer, topic: config.topics.profiles, groupId: `${config.groupId}-profiles`, prefix: config.prefix, logger,
});
const clock = config.liveClock
  ? startLiveClock({
      redis, cache, prefix: config.prefix, topic: config.topics.transactionsByCustomer, windows: config.windows, emitter,
      intervalMs: config.liveTickMs,
      assignedPartitions: () => transactions.assigned().map((a) => Number(a.slice(a.lastIndexOf(':') + 1))),
      onError: (err) => logger.error({ err }, 'live clock tick failed'),
    })
  : null;
const http = await startServiceHttp({ service: 'aggregator', ...config.http, registry, logger, ready: () => ready });
ready = true;
logger.info({ topics: config.topics, prefix: config.prefix, mode: config.liveClock ? 'live' : 'replay', httpPort: http.port }, 'aggregator started');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  ready = false;
  logger.info({ signal }, 'stopping: finishing the batch in flight');
  clock?.stop();
  await repartition.stop();
  await transactions.stop(); // kafkajs waits for the batch in flight, then leaves the group
  await profiles.stop();
  await producer.disconnect();
  await http.close();
  await redis.quit();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
