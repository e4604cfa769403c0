import { startPartitionConsumer, type RunningConsumer } from '@tierflow/runtime/kafka/partition-consumer';
import { processHealth } from '@tierflow/runtime/service/process-health';
import { runService } from '@tierflow/runtime/service/service-main';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import { valueSubject } from '@tierflow/contracts/topics';
import { Partitioners, type Message } from 'kafkajs';
import { Registry } from 'prom-client';
import { Outbox } from '@tierflow/runtime/exactly-once/outbox';
import { rankerConfig } from './ranker-config';
import { createRankerMetrics } from './ranker-metrics';
import { RankerService } from './ranker-service';
import { RankStore } from './rank-store';
import { startSendThread } from './outbox-send-thread';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { tierContextOf } from '@tierflow/contracts/keyspace/ranker/stored-tier-context';

await runService({
  name: 'ranker',
  config: () => rankerConfig(),
  connection: (config) => config.connection,
  // a consumer stuck in a rebalance must not keep it alive
  stopTimeoutMs: 5_000,
  start: async ({ config, logger, kafka, redis, newRedis, codec, onStop, serveHttp }) => {
    logger.info({ configVersion: config.configVersion, basis: config.basis, rules: config.rules, regions: config.regions }, 'starting');
    const storeRedis = newRedis('ranker-store');
    const topics = config.topics;

    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(
      admin,
      [
        ...pipelineTopicSpecs(topics, 6).filter((s) => s.topic === topics.aggregates || s.topic === topics.tierChanges),
        { topic: config.dlqTopic, numPartitions: 1, compacted: false },
      ],
    );
    await admin.disconnect();
    const schemaId = await codec.registerFile(valueSubject(topics.tierChanges), 'TierChange.avsc');

    const store = new RankStore({
      redis: storeRedis,
      prefix: config.prefix,
      offsetField: `${topics.aggregates}:0`,
      historyLength: config.historyLength,
      recentLength: config.recentLength,
    });
    await store.checkConfig(config.configVersion, { basis: config.basis, weights: config.weights, rules: config.rules, regions: config.regions });
    // the context of the compact stored tier changes: what the outbox's entries are read with
    const storedContext = await store.prepareContext(tierContextOf(config.rules, config.configVersion));

    const registry = new Registry();
    const metrics = createRankerMetrics(registry);
    // Kafka sends run in a thread of their own; the flusher keeps them in order, one at a time
    const sender = startSendThread(
      {
        brokers: config.connection.kafkaBrokers,
        security: config.connection.kafkaSecurity,
        topic: topics.tierChanges,
        dlqTopic: config.dlqTopic,
        schemaId,
        schema: await readSchemaFile('TierChange.avsc'),
        logLevel: config.connection.logLevel,
        context: storedContext,
      },
      (err) => {
        logger.fatal({ err: err.message }, 'the outbox send thread died');
        process.exit(1);
      },
    );
    onStop(() => sender.close().catch(() => undefined));
    const flusher = new Outbox({
      redis,
      outboxKey: store.keys.outbox,
      send: sender.send,
      reset: sender.reset,
      window: 3,
      batchSize: config.outboxSendBatch,
      onSent: (n) => metrics.sent.inc(n),
      onError: (err) => logger.error({ err: err.message }, 'outbox send failed: retrying'),
    });
    onStop(async () => {
      // what is still unsent stays in the Redis outbox for the next instance; send it if we can
      await Promise.race([flusher.flush().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
      flusher.close();
    });
    // /readyz and the outbox metrics: the Redis outbox's depth and how long its head has waited
    processHealth.watchOutbox('tier-changes', async () => {
      const [depth, head] = await Promise.all([redis.llen(store.keys.outbox), redis.lindex(store.keys.outbox, 0)]);
      return { depth, oldest: head === null ? [] : [head] };
    });
    const dlqProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await dlqProducer.connect();
    onStop(() => dlqProducer.disconnect().catch(() => undefined));
    const deadLetter = async (messages: Message[]) => {
      await dlqProducer.send({ topic: config.dlqTopic, acks: -1, messages });
      logger.warn({ count: messages.length, topic: config.dlqTopic }, 'aggregates dead-lettered');
    };
    const service = new RankerService({ config, store, redis, codec, flusher, metrics, logger, deadLetter });
    const holder: { running?: RunningConsumer } = {};
    await serveHttp({
      host: config.httpHost,
      port: config.httpPort,
      registry,
      ready: () => holder.running !== undefined && (service.loaded || holder.running.assigned().length === 0),
    });

    const running = await startPartitionConsumer({
      kafka,
      groupId: config.groupId,
      topics: [topics.aggregates],
      logger,
      sessionTimeoutMs: config.sessionTimeoutMs,
      maxBytesPerPartition: config.fetchMaxBytes,
      appliedOffset: async () => {
        const o = await store.readOffset();
        return o < 0 ? null : BigInt(o);
      },
      handleBatch: (batch) => service.handleBatch(batch),
      onPartitionStart: () => service.onPartitionStart(),
    });
    holder.running = running;
    onStop(() => running.stop().catch(() => undefined));
    // on every assignment, even with nothing new to read: load the index and re-send the outbox
    const consumer = running.consumer;
    const onAssigned = () => {
      if (!running.assigned().includes(`${topics.aggregates}:0`)) return;
      service.onPartitionStart().catch((err: Error) => logger.error({ err: err.message }, 'assignment start failed'));
    };
    consumer.on(consumer.events.GROUP_JOIN, () => setImmediate(onAssigned));
    onAssigned(); // the first join happened inside startPartitionConsumer
  },
});
