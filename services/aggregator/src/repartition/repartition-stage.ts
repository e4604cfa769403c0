import type avro from 'avsc';
import type { Kafka, Message } from 'kafkajs';
import { KeyPartitioner } from '@tierflow/runtime/kafka/key-partitioner';
import type { TierflowError } from '@tierflow/contracts/errors/tierflow-error';
import { dispositionOf } from '@tierflow/runtime/errors/disposition';
import { exitOnFatalCrash } from '@tierflow/runtime/kafka/consumer-crash';
import { deadLetterMessage, type DeadLetterReason } from '@tierflow/runtime/exactly-once/dead-letter';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processHealth, type ConsumerState } from '@tierflow/runtime/service/process-health';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { SendCoalescer } from '@tierflow/runtime/kafka/send-coalescer';
import { fetchSettingsFromEnv } from '@tierflow/runtime/kafka/fetch-settings';
import type { ValidationRules } from '@tierflow/contracts/validation/transaction';
import { routeTransaction } from './route-transaction';

export interface RepartitionMetrics {
  /** records read from the source topic */
  sourceIn: { inc: (n: number) => void };
  /** records written to the by-customer topic */
  repartitioned: { inc: (n: number) => void };
  deadLettered: { inc: (labels: { code: string }) => void };
  sourceLag: { set: (labels: { partition: string }, value: number) => void };
}

export interface RepartitionStage {
  stop: () => Promise<void>;
  /** source partitions currently assigned */
  assigned: () => number[];
}

/**
 * The repartition stage: reads billing.transactions however its producers partitioned it
 * (librdkafka's consistent-random CRC32, keyless records, an explicit partition, a partition
 * count raised while running), decodes and validates each record, and writes the good ones,
 * keyed by customerId, to the by-customer topic, whose partition (murmur2 of the customerId
 * over a partition count that never changes) is the customer's shard. Bad records go to the
 * dead-letter topic from here, with their original key and bytes. The apply stage reads only
 * the by-customer topic, so each customer has exactly one state.
 *
 * Delivery to the by-customer topic is at least once: source offsets are committed to Kafka
 * after the broker acknowledged the batch's records, so a crash in between sends the tail again.
 * The apply stage applies each transaction once whatever arrives twice: a copy has the same
 * transactionId and content, which its de-dup entries skip (docs/decisions.md, "Partitioning").
 */
export async function startRepartitionStage(p: {
  kafka: Kafka;
  codec: SchemaCodec;
  readerType: avro.Type;
  groupId: string;
  source: string;
  target: string;
  dlqTopic: string;
  rules: ValidationRules;
  partitionsConcurrently: number;
  /** how often the consumer looks for new source partitions */
  metadataMaxAgeMs: number;
  metrics: RepartitionMetrics;
  logger: Logger;
  onFatal?: (err: Error) => void;
  /** the consumer's state and assignment, for a stage in a worker thread (its /readyz is the main thread's) */
  onConsumerState?: (state: ConsumerState, assignment?: number[]) => void;
}): Promise<RepartitionStage> {
  const log = p.logger.child({ component: 'repartition', groupId: p.groupId });
  const producer = p.kafka.producer({ createPartitioner: KeyPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sends = new SendCoalescer(producer);
  const consumer = p.kafka.consumer({
    groupId: p.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 20_000,
    maxBytesPerPartition: 1024 * 1024,
    ...fetchSettingsFromEnv(), // KAFKA_FETCH_MIN_BYTES, KAFKA_FETCH_MAX_WAIT_MS
    metadataMaxAge: p.metadataMaxAgeMs,
    retry: { retries: 10 },
  });
  processHealth.watchConsumer(p.groupId, consumer); // /readyz: crashed or restarting is not ready
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assignment = (event.payload.memberAssignment[p.source] ?? []).slice().sort((a, b) => a - b);
    log.info({ assignment }, 'source partitions assigned');
    p.onConsumerState?.('up', assignment);
  });
  if (p.onConsumerState) {
    const report = p.onConsumerState;
    consumer.on(consumer.events.END_BATCH_PROCESS, () => report('up'));
    consumer.on(consumer.events.CRASH, (e) => report(e.payload.restart ? 'restarting' : 'stopped'));
    consumer.on(consumer.events.STOP, () => report('stopped'));
  }
  exitOnFatalCrash(consumer, log, p.onFatal);
  await consumer.connect();
  await consumer.subscribe({ topic: p.source, fromBeginning: true });
  await consumer.run({
    // every batch's offsets are committed as soon as its records are acknowledged, so a
    // rebalance (a partition added, an instance joining) sends as little as possible again
    autoCommit: true,
    autoCommitInterval: 1_000,
    autoCommitThreshold: 1,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: p.partitionsConcurrently,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      if (batch.messages.length === 0 || !isRunning() || isStale()) return;
      const { topic, partition } = batch;
      const forward: Message[] = [];
      const dead: Message[] = [];
      const deadCodes: string[] = [];
      const refuse = (message: (typeof batch.messages)[number], why: DeadLetterReason) => {
        dead.push(deadLetterMessage({ service: 'aggregator', topic, partition, message, why }));
        deadCodes.push(why.code);
      };
      const now = Date.now();
      for (const message of batch.messages) {
        let event: TransactionEvent;
        try {
          const decoded = p.codec.decodeNow<TransactionEvent>(message.value, p.readerType);
          event = decoded instanceof Promise ? await decoded : decoded;
        } catch (err) {
          // a registry outage is retried (the batch comes again); nothing of it is dead-lettered
          if (dispositionOf(err) !== 'dead-letter') throw err;
          refuse(message, { code: (err as TierflowError).code, reason: (err as TierflowError).message });
          continue;
        }
        const route = routeTransaction({ topic, partition }, message, event, p.rules, now);
        if (route.ok) forward.push(route.message);
        else refuse(message, route.why);
      }
      await Promise.all([sends.send(p.target, forward), sends.send(p.dlqTopic, dead)]);
      p.metrics.sourceIn.inc(batch.messages.length);
      p.metrics.repartitioned.inc(forward.length);
      for (const code of deadCodes) p.metrics.deadLettered.inc({ code });
      if (dead.length > 0) log.warn({ topic, partition, count: dead.length, first: deadCodes[0] }, 'records dead-lettered');
      const last = batch.messages[batch.messages.length - 1]!.offset;
      resolveOffset(last);
      await commitOffsetsIfNecessary();
      p.metrics.sourceLag.set({ partition: String(partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(last) - 1n)));
      await heartbeat();
    },
  });
  return {
    assigned: () => assignment,
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
