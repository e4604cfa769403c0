import avro from 'avsc';
import { Registry } from 'prom-client';
import { CachingPartitioner } from '@tierflow/runtime/kafka/caching-partitioner';
import { startPartitionConsumer } from '@tierflow/runtime/kafka/partition-consumer';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { runService } from '@tierflow/runtime/service/service-main';
import { checkHashEncodingLimits } from '@tierflow/runtime/redis/encoding-limits';
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
import { startRepartitionThread } from './repartition/repartition-thread';
import { checkShardTopic } from './repartition/shard-topic';
import { createTransactionHandler } from './transaction-batch-handler';

await runService({
  name: 'aggregator',
  config: () => aggregatorConfig(),
  connection: (config) => config.connection,
  redisClose: 'quit',
  start: async ({ config, logger, kafka, redis, codec, onStop, serveHttp }) => {
    const registry = new Registry();
    const metrics = createAggregatorMetrics(registry);
    let ready = false;

    await checkHashEncodingLimits(redis, logger);
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
    onStop(() => producer.disconnect());

    const cache = new StateCache(config.cacheCustomersPerPartition);
    const emitter = createAggregateEmitter({
      redis, producer, cache, codec, schemaId: aggregateSchemaId, topic: config.topics.aggregates, prefix: config.prefix,
      currency: config.rules.reportingCurrency, currentWindowDays: config.windows.currentDays,
      rankingWindowDays: config.windows.rankingDays, onEmitted: (n) => metrics.aggregatesOut.inc(n),
    });
    const handleBatch = createTransactionHandler({
      cache, redis, codec, readerType, producer, dlqTopic: config.topics.transactionsDlq, prefix: config.prefix, shards: config.transactionPartitions,
      rules: config.rules, windows: config.windows, liveClock: config.liveClock, emitter, metrics, logger, stepEvents: config.applyStepEvents,
    });

    // the apply stage: the by-customer topic, one partition per customer shard, exactly once into Redis
    const transactions = await startPartitionConsumer({
      kafka, groupId: config.groupId, topics: [config.topics.transactionsByCustomer], logger,
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      // long batches on a backlog (see FETCH_MAX_BYTES_PER_PARTITION); a response holds every shard's
      maxBytesPerPartition: config.fetchMaxBytesPerPartition,
      maxBytes: Math.min(config.fetchMaxBytesPerPartition * config.transactionPartitions, 50 * 1024 * 1024),
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
    onStop(() => transactions.stop()); // kafkajs waits for the batch in flight, then leaves the group
    // the repartition stage: billing.transactions, however it is partitioned, re-keyed into the shards
    // (in its own thread by default: REPARTITION_THREAD)
    const repartition = config.repartitionThread
      ? await startRepartitionThread({ groupId: `${config.groupId}-repartition`, metrics, logger })
      : await startRepartitionStage({
          kafka, codec, readerType, groupId: `${config.groupId}-repartition`, source: config.topics.transactions,
          target: config.topics.transactionsByCustomer, dlqTopic: config.topics.transactionsDlq, rules: config.rules,
          partitionsConcurrently: config.partitionsConcurrently, metadataMaxAgeMs: config.sourceMetadataMaxAgeMs, metrics, logger,
        });
    onStop(() => repartition.stop());
    const profiles = await startProfileConsumer({
      kafka, redis, codec, producer, topic: config.topics.profiles, groupId: `${config.groupId}-profiles`, prefix: config.prefix, logger,
    });
    onStop(() => profiles.stop());
    const clock = config.liveClock
      ? startLiveClock({
          redis, cache, prefix: config.prefix, topic: config.topics.transactionsByCustomer, windows: config.windows, emitter,
          intervalMs: config.liveTickMs,
          assignedPartitions: () => transactions.assigned().map((a) => Number(a.slice(a.lastIndexOf(':') + 1))),
          onError: (err) => logger.error({ err }, 'live clock tick failed'),
        })
      : null;
    onStop(() => clock?.stop());
    const http = await serveHttp({ ...config.http, registry, ready: () => ready });
    ready = true;
    logger.info({ topics: config.topics, prefix: config.prefix, mode: config.liveClock ? 'live' : 'replay', httpPort: http.port }, 'aggregator started');
  },
});
