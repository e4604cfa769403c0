import { inputDispositionOf } from '@tierflow/runtime/errors/disposition';
import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { z } from 'zod';
import { parseEnv } from '@tierflow/runtime/config/config-env';
import { deadLetterMessage, reasonOf } from '@tierflow/runtime/exactly-once/dead-letter';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processHealth } from '@tierflow/runtime/service/process-health';
import type { Redis } from '@tierflow/runtime/redis/redis-client';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import type { Topics } from '@tierflow/contracts/topics';
import { isValidId } from '@tierflow/contracts/validation/ids';
import type { FeedExplainer } from '@tierflow/views/feed-explanation';
import type { FeedHub } from './feed-hub';
import type { FeedItem } from '@tierflow/views/feed-item';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';

export interface LiveFeedParams {
  kafka: Kafka;
  codec: SchemaCodec;
  redis: Redis;
  hub: FeedHub;
  logger: Logger;
  keyPrefix: string;
  topics: Topics;
  transactionsPartitions: number;
  /** how many of the latest records per partition to read on start, so the feed is not empty */
  backfill: number;
  /** records the feed cannot decode (default DASHBOARD_DLQ_TOPIC, `customer.dashboard.dlq`) */
  dlqTopic?: string;
  /** the sentence of an item (feed-explanation.ts); none when absent */
  explain?: FeedExplainer;
}

/** The scope a tier change belongs to ("global" unless the record names another). */
export function scopeOfTierChange(event: Record<string, unknown>): string {
  const s = event.scope;
  return typeof s === 'string' && s.length > 0 ? s : 'global';
}

/**
 * Consumes customer.tier-changes and customer.churn-risk into the FeedHub. Every dashboard
 * instance sees every record (a group of its own), starting a little before the end of each
 * partition so the recent items are there at once. Each item gets its customer's region from
 * the profile hash, so regional views can filter churn risks.
 */
export class LiveFeed {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private joined = false;
  private readonly dlqTopic: string;

  constructor(private readonly params: LiveFeedParams) {
    this.dlqTopic = params.dlqTopic ?? parseEnv({ DASHBOARD_DLQ_TOPIC: z.string().default('customer.dashboard.dlq') }).DASHBOARD_DLQ_TOPIC;
  }

  /** joined, and the consumer not crashed or restarting (and the process's outboxes fresh) */
  get ready(): boolean {
    return this.joined && processHealth.ready();
  }

  async start(): Promise<void> {
    const p = this.params;
    const topics = [p.topics.tierChanges, p.topics.churnRisk];
    const admin = p.kafka.admin();
    await admin.connect();
    const starts: Array<{ topic: string; partition: number; offset: string }> = [];
    try {
      await ensureTopics(admin, [
        ...pipelineTopicSpecs(p.topics, p.transactionsPartitions).filter((s) => topics.includes(s.topic)),
        { topic: this.dlqTopic, numPartitions: 1, compacted: false },
      ]);
      for (const topic of topics) {
        for (const o of await admin.fetchTopicOffsets(topic)) {
          const start = Math.max(Number(o.low), Number(o.high) - p.backfill);
          starts.push({ topic, partition: o.partition, offset: String(start) });
        }
      }
    } finally {
      await admin.disconnect();
    }
    const producer = p.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.producer = producer;
    const groupId = `tierflow-dashboard-${randomUUID()}`;
    const consumer = p.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    this.consumer = consumer;
    processHealth.watchConsumer(groupId, consumer);
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        let event: Record<string, unknown>;
        try {
          event = await p.codec.decode<Record<string, unknown>>(message.value);
        } catch (err) {
          // registry down: thrown, so kafkajs retries (the consumer restarts; /readyz says so);
          // anything else about the record: dead-lettered with its code, and the feed goes on
          if (inputDispositionOf(err) === 'retry') throw err;
          const why = reasonOf(err, 'BAD_INPUT');
          p.logger.warn({ topic, offset: message.offset, ...why }, 'feed record dead-lettered: cannot decode');
          await producer.send({ topic: this.dlqTopic, acks: -1, messages: [deadLetterMessage({ service: 'dashboard', topic, partition, message, why })] });
          return;
        }
        try {
          const customerId = typeof event.customerId === 'string' ? event.customerId : (message.key?.toString() ?? '');
          const [region, name] = isValidId(customerId) ? await p.redis.hmget(profileKey(p.keyPrefix, customerId), 'region', 'name') : [null, null];
          const type: FeedItem['type'] = topic === p.topics.tierChanges ? 'tier-change' : 'churn-risk';
          const explanation = p.explain?.(type, event, name ?? null) ?? null;
          p.hub.publish({ type, event, region: region ?? null, name: name ?? null, explanation, scope: type === 'tier-change' ? scopeOfTierChange(event) : 'global', receivedAt: Date.now() });
        } catch (err) {
          p.logger.warn({ topic, offset: message.offset, err: (err as Error).message }, 'feed record skipped: cannot show it');
        }
      },
    });
    for (const s of starts) consumer.seek(s);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
    await this.producer?.disconnect();
    this.producer = null;
    this.joined = false;
  }
}
