import avro from 'avsc';
import { Registry } from 'prom-client';
import { KeyPartitioner } from '@tierflow/runtime/kafka/key-partitioner';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { runService } from '@tierflow/runtime/service/service-main';
import { checkHashEncodingLimits } from '@tierflow/runtime/redis/encoding-limits';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import { valueSubject } from '@tierflow/contracts/topics';
import { aggregatorConfig } from './aggregator-config';
import { createAggregatorMetrics } from './aggregator-metrics';
import { startProfileConsumer } from './profile-consumer';
import { startApplyStage } from './apply/apply-stage';
import { startApplyThreads } from './apply/apply-threads';
import { startRepartitionStage } from './repartition/repartition-stage';
import { startRepartitionThread } from './repartition/repartition-thread';
import { checkShardTopic } from './repartition/shard-topic';

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

    // the profile consumer's producer (each apply stage has its own)
    const producer = kafka.producer({ createPartitioner: KeyPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    onStop(() => producer.disconnect());

    // the apply stage(s): on the main thread, or APPLY_THREADS of them, each in a thread of its own
    const threads = config.applyThreads > 0
      ? await startApplyThreads({ count: config.applyThreads, logger })
      : null;
    const stage = threads === null
      ? await startApplyStage({ config, kafka, redis, codec, readerType, aggregateSchemaId, metrics, logger })
      : null;
    onStop(() => (threads ?? stage)!.stop());
    // the repartition stage: billing.transactions, however it is partitioned, re-keyed into the shards
    // (in its own thread by default: REPARTITION_THREAD)
    // (REPARTITION_MODE=hop only: by default the apply stage reads the transactions topic itself)
    const repartition = config.directApply
      ? null
      : config.repartitionThread
        ? await startRepartitionThread({ groupId: `${config.groupId}-repartition`, metrics, logger })
        : await startRepartitionStage({
            kafka, codec, readerType, groupId: `${config.groupId}-repartition`, source: config.topics.transactions,
            target: config.topics.transactionsByCustomer, dlqTopic: config.topics.transactionsDlq, rules: config.rules,
            partitionsConcurrently: config.partitionsConcurrently, metadataMaxAgeMs: config.sourceMetadataMaxAgeMs, metrics, logger,
          });
    if (repartition) onStop(() => repartition.stop());
    const profiles = await startProfileConsumer({
      kafka, redis, codec, producer, topic: config.topics.profiles, groupId: `${config.groupId}-profiles`, prefix: config.prefix, logger,
    });
    onStop(() => profiles.stop());
    const http = await serveHttp({ ...config.http, registry, ready: () => ready, ...(threads ? { threads: threads.scrape } : {}) });
    ready = true;
    logger.info({ topics: config.topics, prefix: config.prefix, mode: config.liveClock ? 'live' : 'replay', applyThreads: config.applyThreads, httpPort: http.port }, 'aggregator started');
  },
});
