import { isRebalanceError } from './rebalance-error';
import type { Consumer, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import type { Logger } from '../service/logger';
import { exitForRestart, exitOnFatalCrash } from './consumer-crash';
import { processHealth } from '../service/process-health';
import { fetchSettingsFromEnv } from './fetch-settings';

/** Tries of seek-and-onAssigned after a join, a growing pause apart (about a minute in all). */
const ASSIGNMENT_ATTEMPTS = 15;

export interface PartitionBatch {
  topic: string;
  partition: number;
  /** messages after the last offset recorded as applied (earlier ones are already dropped) */
  messages: KafkaMessage[];
  highWatermark: string;
  /** keeps the group membership alive during a long batch (call it between slices) */
  heartbeat?: () => Promise<void>;
}

export interface PartitionConsumerParams {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  /**
   * The last offset applied for a topic-partition, as recorded in Redis in the same atomic
   * step as the state change; null when nothing was applied yet. Redis, not Kafka's committed
   * offset, decides where consumption resumes.
   */
  appliedOffset: (topic: string, partition: number) => Promise<bigint | null>;
  /**
   * Applies a batch. Must record the batch's last offset atomically with its effects and must
   * skip offsets at or below the recorded one (fencing against a second instance).
   */
  handleBatch: (batch: PartitionBatch) => Promise<void>;
  /** Called once per partition after each assignment, before its first batch (e.g. flush an outbox). */
  onPartitionStart?: (topic: string, partition: number) => Promise<void>;
  /**
   * Called once per partition right after each assignment, whether or not a batch follows (an
   * outbox left by a crashed owner must go out even when no record comes for that partition).
   */
  onAssigned?: (topic: string, partition: number) => Promise<void>;
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  /** most bytes of one fetch response, over all partitions (kafkajs maxBytes; default 10 MiB) */
  maxBytes?: number;
  sessionTimeoutMs?: number;
  fromBeginning?: boolean;
  /** how partitions are dealt to the group's members (default kafkajs's round robin) */
  partitionAssigners?: PartitionAssigner[];
  /** how often the consumer looks for partitions added to its topics (kafkajs metadataMaxAge) */
  metadataMaxAgeMs?: number;
  /**
   * Called when the consumer stopped for good (kafkajs does not restart it after a
   * non-retriable error). Default: log and exit the process with status 70, so that whatever
   * supervises the service starts it again, from Redis's position, instead of it idling forever.
   */
  onFatal?: (err: Error) => void;
}

export interface RunningConsumer {
  consumer: Consumer;
  stop: () => Promise<void>;
  /** partitions currently assigned, as topic:partition */
  assigned: () => string[];
}

/**
 * A kafkajs consumer for exactly-once effects on Redis: at-least-once delivery, an idempotent
 * handler, and Redis as the source of truth for the position. After every (re)assignment each
 * partition is sought to the offset after the one Redis holds; the first batch is checked once
 * more (a fetch may race the seek): if Kafka would resume past Redis's position (Redis came back
 * from its AOF slightly behind), the consumer seeks back, so lost effects are re-applied, never skipped.
 */
export async function startPartitionConsumer(params: PartitionConsumerParams): Promise<RunningConsumer> {
  const log = params.logger.child({ component: 'consumer', groupId: params.groupId });
  const consumer = params.kafka.consumer({
    groupId: params.groupId,
    sessionTimeout: params.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 20_000,
    maxBytesPerPartition: params.maxBytesPerPartition ?? 2 * 1024 * 1024,
    ...(params.maxBytes !== undefined ? { maxBytes: params.maxBytes } : {}),
    ...fetchSettingsFromEnv(), // KAFKA_FETCH_MIN_BYTES, KAFKA_FETCH_MAX_WAIT_MS (checked with the service's config at start)
    ...(params.partitionAssigners ? { partitionAssigners: params.partitionAssigners } : {}),
    ...(params.metadataMaxAgeMs !== undefined ? { metadataMaxAge: params.metadataMaxAgeMs } : {}),
    retry: { retries: 10 },
  });
  const verified = new Map<string, bigint | null>();
  let assignment: string[] = [];
  const admin = params.kafka.admin();
  await admin.connect();
  /**
   * Puts every assigned partition at the offset after the one Redis holds, or at the earliest
   * offset when Redis holds none: Redis, not Kafka's committed offset, is the position.
   */
  async function seekToApplied(assigned: Record<string, number[]>): Promise<void> {
    for (const [topic, partitions] of Object.entries(assigned)) {
      const low = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.low]));
      for (const partition of partitions) {
        const applied = await params.appliedOffset(topic, partition);
        const offset = applied === null ? (low.get(partition) ?? '0') : String(applied + 1n);
        // right after a join the consumer may not have the topic's metadata yet: retry briefly
        for (let attempt = 0; ; attempt++) {
          try {
            consumer.seek({ topic, partition, offset });
            break;
          } catch (err) {
            if (attempt >= 20) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
    }
  }
  let joins = 0;
  const fatal = params.onFatal ?? exitForRestart(log);
  /**
   * A rebalance a heartbeat of this generation reported (rebalance-error.ts): the batches kafkajs
   * fetched before it are not started, so the member rejoins once the ones running reach a step's
   * end, not after the whole fetch
   */
  let rebalance: unknown = null;
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    rebalance = null;
    verified.clear();
    const assigned = event.payload.memberAssignment as Record<string, number[]>;
    assignment = Object.entries(assigned).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`));
    log.info({ assignment }, 'partitions assigned');
    const generation = ++joins;
    void afterAssignment(assigned, generation);
  });
  /**
   * Seeks the new assignment to Redis's position and runs onAssigned, again after a pause when
   * a server is briefly unreachable (the join right after a broker restart often is), until a
   * newer assignment replaces this one. An outbox left by a crashed owner goes out even when no
   * record comes for its partition; when it cannot for a minute, the consumer is fatal (the
   * supervisor starts the service again) rather than leaving it unsent.
   */
  async function afterAssignment(assigned: Record<string, number[]>, generation: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (generation !== joins) return;
      try {
        await seekToApplied(assigned);
        for (const [topic, partitions] of Object.entries(assigned)) {
          for (const partition of partitions) await params.onAssigned?.(topic, partition);
        }
        return;
      } catch (err) {
        const message = (err as Error).message;
        if (attempt >= ASSIGNMENT_ATTEMPTS) {
          log.error({ err: message, attempt }, 'could not take up the assigned partitions');
          fatal(new Error(`could not take up the assigned partitions: ${message}`));
          return;
        }
        log.warn({ err: message, attempt }, 'could not take up the assigned partitions yet: trying again');
        await new Promise((r) => setTimeout(r, Math.min(1_000 * attempt, 5_000)));
      }
    }
  }
  exitOnFatalCrash(consumer, log, fatal);

  processHealth.watchConsumer(params.groupId, consumer); // /readyz: crashed or restarting is not ready
  await consumer.connect();
  for (const topic of params.topics) await consumer.subscribe({ topic, fromBeginning: params.fromBeginning ?? true });
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 1_000,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: params.partitionsConsumedConcurrently ?? 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat: kafkaHeartbeat, isRunning, isStale }) => {
      if (rebalance !== null) throw rebalance;
      const heartbeat = () =>
        kafkaHeartbeat().catch((err: unknown) => {
          if (isRebalanceError(err)) rebalance = err;
          throw err;
        });
      const key = `${batch.topic}:${batch.partition}`;
      if (!verified.has(key)) {
        const applied = await params.appliedOffset(batch.topic, batch.partition);
        const first = batch.messages[0] ? BigInt(batch.messages[0].offset) : null;
        if (applied !== null && first !== null && first > applied + 1n) {
          log.warn({ topic: batch.topic, partition: batch.partition, applied: String(applied), first: String(first) },
            'Redis holds an older position than Kafka: seeking back to re-apply');
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(applied + 1n) });
          return;
        }
        await params.onPartitionStart?.(batch.topic, batch.partition);
        verified.set(key, applied);
      }
      if (!isRunning() || isStale()) return;
      const applied = verified.get(key) ?? null;
      const messages = applied === null ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) > applied);
      if (messages.length > 0) {
        await params.handleBatch({ topic: batch.topic, partition: batch.partition, messages, highWatermark: batch.highWatermark, heartbeat });
        verified.set(key, BigInt(messages[messages.length - 1]!.offset));
      }
      const last = batch.messages[batch.messages.length - 1];
      if (last) resolveOffset(last.offset);
      await heartbeat();
    },
  });
  return {
    consumer,
    assigned: () => assignment,
    stop: async () => {
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}
