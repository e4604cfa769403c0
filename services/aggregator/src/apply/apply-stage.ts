import type avro from 'avsc';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { KeyPartitioner } from '@tierflow/runtime/kafka/key-partitioner';
import { startPartitionConsumer, type PartitionBatch } from '@tierflow/runtime/kafka/partition-consumer';
import { startGate } from '@tierflow/runtime/kafka/start-gate';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { Logger } from '@tierflow/runtime/service/logger';
import { readAppliedOffset } from '@tierflow/contracts/keyspace/aggregator/applied-offset-reader';
import { coPartitionedAssigner } from '@tierflow/runtime/kafka/co-partitioned-assigner';
import { SendCoalescer } from '@tierflow/runtime/kafka/send-coalescer';
import { repartitionSeed } from '../repartition/repartition-seed';
import { createAggregateEmitter } from '../aggregate-emitter';
import type { AggregatorConfig } from '../aggregator-config';
import type { AggregatorMetrics } from '../aggregator-metrics';
import { startLiveClock } from '../live-clock';
import { StateCache } from '../partition-cache';
import { createTransactionHandler } from '../transaction-batch-handler';

export interface ApplyStage {
  /** the shards this stage holds now */
  assigned: () => number[];
  /** stops the consumer (after the batch in flight), the live clock and the producer */
  stop: () => Promise<void>;
}

/** the handler, behind the start gate */
function gated(wait: ReturnType<typeof startGate>, handle: (batch: PartitionBatch) => Promise<void>) {
  return async (batch: PartitionBatch) => {
    await wait(batch.heartbeat);
    return handle(batch);
  };
}

/**
 * The apply stage: the by-customer topic, one partition per customer shard, exactly once into
 * Redis (the transaction handler and the fenced commit), the changed customers out to
 * customer.aggregates (the emitter and its outbox), and in live mode the clock that moves quiet
 * shards' windows on. It has its own producer and partition cache; several stages (APPLY_THREADS,
 * one per thread) are members of one consumer group, each holding some shards, as several
 * aggregator processes would.
 */
export async function startApplyStage(p: {
  config: AggregatorConfig;
  kafka: Kafka;
  redis: Redis;
  codec: SchemaCodec;
  readerType: avro.Type;
  aggregateSchemaId: number;
  metrics: AggregatorMetrics;
  logger: Logger;
  /** an apply thread's: resolves once every thread is a member of the group (start-gate.ts) */
  gate?: Promise<void>;
}): Promise<ApplyStage> {
  const { config, kafka, redis, codec, metrics, logger } = p;
  const producer = kafka.producer({ createPartitioner: KeyPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const cache = new StateCache(config.cacheCustomersPerPartition);
  const emitter = createAggregateEmitter({
    redis, producer, cache, codec, schemaId: p.aggregateSchemaId, topic: config.topics.aggregates, prefix: config.prefix,
    currency: config.rules.reportingCurrency, currentWindowDays: config.windows.currentDays,
    rankingWindowDays: config.windows.rankingDays, onEmitted: (n) => metrics.aggregatesOut.inc(n), logger,
  });
  const shardTopic = config.topics.transactionsByCustomer;
  const forwarder = new SendCoalescer(producer, { acks: -1 });
  const handleBatch = createTransactionHandler({
    cache, redis, codec, readerType: p.readerType, producer, dlqTopic: config.topics.transactionsDlq, prefix: config.prefix,
    shards: config.transactionPartitions, rules: config.rules, windows: config.windows, liveClock: config.liveClock, emitter, metrics,
    logger, stepEvents: config.applyStepEvents, shardTopic, forward: (messages) => forwarder.send(shardTopic, messages),
  });
  // direct (the default): the transactions topic too, partition P with shard P (docs/contracts.md, "Partitioning")
  const source = config.directApply ? config.topics.transactions : null;
  const seed = source === null ? null : await repartitionSeed(kafka, `${config.groupId}-repartition`, source);
  const transactions = await startPartitionConsumer({
    kafka, groupId: config.groupId, topics: source === null ? [shardTopic] : [shardTopic, source], logger,
    ...(source === null ? {} : { partitionAssigners: [coPartitionedAssigner()], metadataMaxAgeMs: config.sourceMetadataMaxAgeMs }),
    partitionsConsumedConcurrently: config.partitionsConcurrently,
    // long batches on a backlog (see FETCH_MAX_BYTES_PER_PARTITION); a response holds every shard's
    maxBytesPerPartition: config.fetchMaxBytesPerPartition,
    maxBytes: Math.min(config.fetchMaxBytesPerPartition * config.transactionPartitions, 50 * 1024 * 1024),
    appliedOffset: async (topic, partition) => {
      const applied = await readAppliedOffset(redis, config.prefix, topic, partition);
      // a shard the hop fed until now: on from where the repartition stage got to
      return applied ?? (topic === source ? (seed?.get(partition) ?? null) : null);
    },
    onPartitionStart: async (topic, partition) => {
      if (topic !== shardTopic) return;
      const flushed = await emitter.flushOutbox(partition);
      if (flushed > 0) logger.info({ partition, flushed }, 'outbox flushed after assignment');
    },
    onAssigned: async (topic, partition) => {
      if (topic !== shardTopic) return;
      const flushed = await emitter.flushOutbox(partition);
      if (flushed > 0) logger.info({ partition, flushed }, 'outbox flushed on assignment');
    },
    handleBatch: p.gate === undefined ? handleBatch : gated(startGate(p.gate), handleBatch),
  });
  const assigned = () => transactions.assigned().filter((a) => a.startsWith(`${shardTopic}:`)).map((a) => Number(a.slice(a.lastIndexOf(':') + 1)));
  const clock = config.liveClock
    ? startLiveClock({
        redis, cache, prefix: config.prefix, topic: config.topics.transactionsByCustomer, windows: config.windows, emitter,
        intervalMs: config.liveTickMs, assignedPartitions: assigned,
        onError: (err) => logger.error({ err }, 'live clock tick failed'),
      })
    : null;
  return {
    assigned,
    stop: async () => {
      clock?.stop();
      await transactions.stop(); // kafkajs waits for the batch in flight, then leaves the group
      await producer.disconnect();
    },
  };
}
