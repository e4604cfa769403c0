import { TransientError } from '@tierflow/contracts/errors/tierflow-error';
import { inputDispositionOf } from '@tierflow/runtime/errors/disposition';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { deadLetterMessage } from '@tierflow/runtime/exactly-once/dead-letter';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processHealth } from '@tierflow/runtime/service/process-health';
import { startPartitionConsumer, type PartitionBatch, type RunningConsumer } from '@tierflow/runtime/kafka/partition-consumer';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { Topics } from '@tierflow/contracts/topics';
import type { ChurnConfig } from './churn-config';
import type { ChurnMetrics } from './churn-metrics';
import type { ChurnStore } from './churn-store';
import { aggregateRecord, tierChangeRecord } from './input-records';
import { createChurnOutbox } from './churn-outbox';
import type { ChurnRecord } from '@tierflow/domain/churn/batch-planner';
import { commitStep, planStep, type StepPosition } from './churn-step';
import { Sleepers } from '@tierflow/runtime/timing/sleepers';

const MAX_PLAN_ATTEMPTS = 20;

/**
 * churn-watch: consumes customer.aggregates and customer.tier-changes, keeps per-customer churn
 * state in Redis, fires inactivity timers by watermark (or clock), and emits customer.churn-risk
 * through an outbox written in the same atomic step as the state and the input offset.
 */
export function createChurnService(params: {
  kafka: Kafka;
  codec: SchemaCodec;
  store: ChurnStore;
  topics: Pick<Topics, 'aggregates' | 'tierChanges' | 'churnRisk'>;
  churnRiskSchemaId: number;
  config: ChurnConfig;
  metrics: ChurnMetrics;
  logger: Logger;
  clock?: () => number;
}) {
  const { store, config, metrics, topics } = params;
  const log = params.logger;
  const clock = params.clock ?? Date.now;
  const producer: Producer = params.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
  const flusher = createChurnOutbox({
    store,
    producer,
    codec: params.codec,
    schemaId: params.churnRiskSchemaId,
    topic: topics.churnRisk,
    dlqTopic: config.dlqTopic,
    logger: log,
    onSent: (n) => metrics.flushed.inc(n),
    onDeadLettered: (n) => metrics.deadLetters.inc(n),
  });
  const consumers: RunningConsumer[] = [];
  const admin = params.kafka.admin();
  let tick: NodeJS.Timeout | null = null;
  let started = false;
  // batches and live ticks run one at a time in this process; other processes are fenced by
  // offsets and per-customer versions in the apply script
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  const decode = async (topic: string, partition: number, m: KafkaMessage, dlq: ReturnType<typeof deadLetterMessage>[]) => {
    try {
      const value = await params.codec.decode<Record<string, unknown>>(m.value);
      return topic === topics.aggregates ? aggregateRecord(value) : tierChangeRecord(value);
    } catch (err) {
      if (inputDispositionOf(err) === 'retry') throw err; // registry down: the batch is retried, nothing is skipped
      const e = err as Error & { code?: string };
      dlq.push(deadLetterMessage({ service: 'churn-watch', topic, partition, message: m, why: { code: e.code ?? 'BAD_INPUT', reason: e.message } }));
      return null;
    }
  };

  /** Plans and applies records (or, with none, a timer tick) until the apply is not a conflict. */
  const applyRecords = async (records: ChurnRecord[], position: StepPosition | null) => {
    for (let attempt = 1; attempt <= MAX_PLAN_ATTEMPTS; attempt++) {
      const step = await planStep({ store, config, records, position, now: clock() });
      if (!step) return;
      const { plan } = step;
      const result = await commitStep(store, step);
      if (result === 'conflict') {
        metrics.conflicts.inc();
        continue;
      }
      if (result === 'skipped') {
        metrics.skipped.inc();
        return;
      }
      metrics.watermark.set(plan.watermark / 1000); // seconds, as every time metric
      metrics.timers.inc(plan.timersFired);
      for (const e of plan.events) metrics.events.inc({ signal: e.signal, status: e.status });
      if (plan.events.length > 0) log.info({ events: plan.events.length, watermark: plan.watermark }, 'churn events written');
      return;
    }
    throw new TransientError('VERSION_CONFLICT', 'churn state kept changing under the batch');
  };

  // wakes the aggregates batches waiting in alignWithTierChanges once a tier-changes batch is applied
  const tierWaiters = new Sleepers();

  /**
   * Before an aggregates batch, waits (bounded) until every tier change already in the topic is
   * staged or applied, so a tier change meets its cause aggregate in the same logical order
   * however the two topics are read (see batch-planner.ts).
   */
  const alignWithTierChanges = async () => {
    if (config.alignWaitMs <= 0) return;
    const deadline = Date.now() + config.alignWaitMs;
    const ends = await admin.fetchTopicOffsets(topics.tierChanges);
    for (;;) {
      let behind = false;
      for (const { partition, high, low } of ends) {
        if (BigInt(high) <= BigInt(low)) continue; // empty (or emptied by retention)
        const applied = await store.appliedOffset(topics.tierChanges, partition);
        if (applied === null || applied < BigInt(high) - 1n) behind = true;
      }
      if (!behind) return;
      if (Date.now() >= deadline) {
        metrics.alignTimeouts.inc();
        log.warn({ waitedMs: config.alignWaitMs }, 'tier changes behind their topic end: going on without them');
        return;
      }
      await tierWaiters.sleep(50); // this process's tier-changes consumer, or another instance's within 50 ms
    }
  };

  const handleBatch = async (batch: PartitionBatch) => {
    if (batch.topic === topics.aggregates) await alignWithTierChanges();
    return serial(async () => {
      const dlq: ReturnType<typeof deadLetterMessage>[] = [];
      const records: ChurnRecord[] = [];
      for (const m of batch.messages) {
        const r = await decode(batch.topic, batch.partition, m, dlq);
        if (r) records.push(r);
      }
      if (dlq.length > 0) {
        await producer.send({ topic: config.dlqTopic, acks: -1, messages: dlq });
        metrics.deadLetters.inc(dlq.length);
        log.warn({ topic: batch.topic, count: dlq.length }, 'input records dead-lettered');
      }
      const last = batch.messages[batch.messages.length - 1]!;
      await applyRecords(records, { topic: batch.topic, partition: batch.partition, lastOffset: last.offset });
      metrics.records.inc({ topic: batch.topic }, batch.messages.length);
      if (batch.topic === topics.tierChanges) tierWaiters.wakeAll();
      await flusher.flush();
    });
  };

  const consume = (groupId: string, topic: string) =>
    startPartitionConsumer({
      kafka: params.kafka,
      groupId,
      topics: [topic],
      logger: log.child({ topic }),
      appliedOffset: (t, p) => store.appliedOffset(t, p),
      handleBatch,
      onPartitionStart: async () => {
        await flusher.flush();
      },
    });

  return {
    ready: () => started,
    start: async () => {
      await producer.connect();
      processHealth.watchOutbox('churn-risk', () => store.outboxSample());
      await flusher.flush(); // re-flush what a crash left in the outbox
      await admin.connect();
      // one consumer per input topic, so waiting for tier changes never blocks reading them
      consumers.push(await consume(`${config.groupId}.tier-changes`, topics.tierChanges));
      consumers.push(await consume(config.groupId, topics.aggregates));
      if (config.timeMode === 'live') {
        tick = setInterval(() => {
          void serial(async () => {
            await applyRecords([], null);
            await flusher.flush();
          }).catch((err: Error) => log.error({ err: err.message }, 'live timer tick failed'));
        }, config.liveTickMs);
      }
      started = true;
      log.info({ topics: [topics.aggregates, topics.tierChanges], timeMode: config.timeMode }, 'churn-watch started');
    },
    stop: async () => {
      started = false;
      if (tick) clearInterval(tick);
      for (const c of consumers) await c.stop();
      await chain;
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

export type ChurnService = ReturnType<typeof createChurnService>;
