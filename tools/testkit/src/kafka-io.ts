import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type KafkaMessage, type Message } from 'kafkajs';
import { registerCompressionCodecs } from '@tierflow/runtime/kafka/compression-codecs';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';

/** A plain kafkajs client for tests, reading every codec Kafka has. */
export const testKafka = () => {
  registerCompressionCodecs();
  return new Kafka({ brokers: connectionConfig().kafkaBrokers, clientId: 'tierflow-test', logLevel: logLevel.NOTHING });
};

/** Produces messages in chunks, in order, waiting for all replicas. */
export async function produce(kafka: Kafka, topic: string, messages: Message[], chunk = 5_000): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Sum of high watermarks of a topic: how many records it holds. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic from the beginning until `done(messages)` says so or the timeout passes.
 * Returns every message read, in per-partition order.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  done: (messages: KafkaMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`readTopic ${topic}: timed out with ${messages.length} messages`)), timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          messages.push(...batch.messages);
          if (done(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
      if (done(messages)) {
        clearTimeout(timer);
        resolve();
      }
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const mine = topics.filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}
