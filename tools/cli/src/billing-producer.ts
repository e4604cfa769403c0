import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { RegistryConnection } from '@tierflow/runtime/codec/registry-connection';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import type { Topics } from '@tierflow/contracts/topics';
import { valueSubject } from '@tierflow/contracts/topics';
import type { CustomerProfile, TransactionEvent } from '@tierflow/contracts/events/event-types';

/**
 * Writes billing transactions and CRM profiles as the billing system and the CRM would:
 * Avro in the Confluent wire format, key = customerId. Creates the topics if they are missing
 * (existing topics are left as they are) and registers the value schemas.
 */
export class BillingProducer {
  private producer: Producer | null = null;
  private txSchemaId = 0;
  private profileSchemaId = 0;
  private readonly codec: SchemaCodec;

  constructor(
    private readonly params: {
      kafka: Kafka;
      registryUrl: string;
      registry?: RegistryConnection;
      topics: Topics;
      transactionsPartitions: number;
    },
  ) {
    this.codec = new SchemaCodec({ registryUrl: params.registryUrl, registry: params.registry });
  }

  async start(): Promise<void> {
    const admin = this.params.kafka.admin();
    await admin.connect();
    try {
      const wanted = new Set([this.params.topics.transactions, this.params.topics.profiles]);
      await ensureTopics(admin, pipelineTopicSpecs(this.params.topics, this.params.transactionsPartitions).filter((t) => wanted.has(t.topic)));
    } finally {
      await admin.disconnect();
    }
    this.txSchemaId = await this.codec.registerFile(valueSubject(this.params.topics.transactions), 'TransactionEvent.avsc');
    this.profileSchemaId = await this.codec.registerFile(valueSubject(this.params.topics.profiles), 'CustomerProfile.avsc');
    this.producer = this.params.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async sendTransactions(events: readonly TransactionEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.started().send({
      topic: this.params.topics.transactions,
      messages: events.map((e) => ({ key: e.customerId, value: this.codec.encode(this.txSchemaId, e) })),
    });
  }

  async sendProfiles(profiles: readonly CustomerProfile[]): Promise<void> {
    if (profiles.length === 0) return;
    await this.started().send({
      topic: this.params.topics.profiles,
      messages: profiles.map((p) => ({ key: p.customerId, value: this.codec.encode(this.profileSchemaId, p) })),
    });
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = null;
  }

  private started(): Producer {
    if (!this.producer) throw new Error('BillingProducer.start() was not called');
    return this.producer;
  }
}
