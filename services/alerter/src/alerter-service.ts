import { inputDispositionOf } from '@tierflow/runtime/errors/disposition';
import { Partitioners, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { deadLetterMessage } from '@tierflow/runtime/exactly-once/dead-letter';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processHealth } from '@tierflow/runtime/service/process-health';
import { startPartitionConsumer, type PartitionBatch, type RunningConsumer } from '@tierflow/runtime/kafka/partition-consumer';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { createAlertDispatcher } from './alert-dispatcher';
import { alertsForChurnRisk, alertsForTierChange } from '@tierflow/domain/alerts/alert-rules';
import type { AlertStore } from './alert-store';
import type { Alert, ChurnRiskInput, TierChangeInput } from '@tierflow/domain/alerts/alert-types';
import type { AlerterConfig } from './alerter-config';
import type { AlerterMetrics } from './alerter-metrics';
import type { DeliveryQueue } from './delivery-queue';
import type { QueueBound } from './queue-bound';
import type { WebhookMetrics } from './webhook-metrics';
import type { WebhookSend } from './webhook-sink';

/**
 * The alerter: consumes customer.churn-risk and customer.tier-changes, turns them into alerts
 * by the care programme's rules, queues each new alertId once (atomically with the input
 * offset) and hands the queue to the dispatcher (log sink + signed webhook).
 */
export function createAlerterService(params: {
  kafka: Kafka;
  codec: SchemaCodec;
  store: AlertStore;
  topics: { churnRisk: string; tierChanges: string };
  webhook: WebhookSend | null;
  config: AlerterConfig;
  metrics: AlerterMetrics;
  /** the delivery side: the queue as the dispatcher sees it, its bound, their metrics */
  delivery: { queue: DeliveryQueue; bound: QueueBound; metrics: WebhookMetrics };
  logger: Logger;
}) {
  const { store, config, metrics, topics, logger } = params;
  const producer: Producer = params.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const dispatcher = createAlertDispatcher({
    store,
    queue: params.delivery.queue,
    webhook: params.webhook,
    logger,
    config: config.dispatch,
    onOutcome: (outcome) => metrics.outcomes.inc({ outcome }),
    onBreaker: params.delivery.metrics.onBreaker,
    onInFlight: params.delivery.metrics.onInFlight,
  });
  let consumer: RunningConsumer | null = null;
  let started = false;

  const decode = async (topic: string, partition: number, m: KafkaMessage, dlq: Message[]) => {
    try {
      return await params.codec.decode<Record<string, unknown>>(m.value);
    } catch (err) {
      if (inputDispositionOf(err) === 'retry') throw err;
      const e = err as Error & { code?: string };
      dlq.push(deadLetterMessage({ service: 'alerter', topic, partition, message: m, why: { code: e.code ?? 'BAD_INPUT', reason: e.message } }));
      return null;
    }
  };

  const handleBatch = async (batch: PartitionBatch) => {
    const dlq: Message[] = [];
    const values: Record<string, unknown>[] = [];
    for (const m of batch.messages) {
      const v = await decode(batch.topic, batch.partition, m, dlq);
      if (v && typeof v.customerId === 'string') values.push(v);
    }
    if (dlq.length > 0) {
      await producer.send({ topic: config.dlqTopic, acks: -1, messages: dlq });
      metrics.deadInputs.inc(dlq.length);
    }
    const profiles = await store.profiles([...new Set(values.map((v) => v.customerId as string))]);
    const alerts: Alert[] = [];
    for (const v of values) {
      const profile = profiles.get(v.customerId as string) ?? { accountManager: null, name: null };
      alerts.push(
        ...(batch.topic === topics.churnRisk
          ? alertsForChurnRisk(v as unknown as ChurnRiskInput, profile, batch.topic, config.rules)
          : alertsForTierChange(v as unknown as TierChangeInput, profile, batch.topic, config.rules)),
      );
    }
    const last = batch.messages[batch.messages.length - 1]!;
    // a full queue pauses input here: nothing is queued (or its offset recorded) until there is room
    await params.delivery.bound.waitForRoom(alerts.length, batch.heartbeat);
    const queued = await store.enqueue(batch.topic, batch.partition, last.offset, alerts);
    metrics.records.inc({ topic: batch.topic }, batch.messages.length);
    if (queued > 0) {
      for (const a of alerts) metrics.queued.inc({ kind: a.kind });
      dispatcher.poke();
    }
  };

  return {
    ready: () => started,
    start: async () => {
      await producer.connect();
      processHealth.watchOutbox('alerts', async () => {
        const [depth, head] = await Promise.all([store.queueLength(), store.head()]);
        return { depth, oldest: head === null ? [] : [head] };
      });
      dispatcher.start(); // delivers what a crash left in the queue
      consumer = await startPartitionConsumer({
        kafka: params.kafka,
        groupId: config.groupId,
        topics: [topics.churnRisk, topics.tierChanges],
        logger,
        appliedOffset: (t, p) => store.appliedOffset(t, p),
        handleBatch,
      });
      started = true;
      logger.info({ topics, webhook: params.webhook !== null }, 'alerter started');
    },
    stop: async () => {
      started = false;
      params.delivery.bound.stop();
      await consumer?.stop();
      await dispatcher.stop();
      await producer.disconnect();
    },
  };
}
