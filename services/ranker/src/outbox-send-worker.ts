/**
 * Worker thread of the outbox flusher: Avro-encodes tier changes and produces them to Kafka
 * (acks=-1), one request at a time, in the order they arrive, so kafkajs's per-message work
 * runs beside the ranking instead of in its thread. Messages in: {id, entries: JSON strings};
 * out: {id} when Kafka acknowledged them, {id, error} when the send failed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import avro from 'avsc';
import { Partitioners } from 'kafkajs';
import { createKafka } from '@tierflow/shared/kafka-client';
import { createLogger } from '@tierflow/shared/logger';
import { frame } from '@tierflow/shared/wire-format';
import type { TierChange } from './tier-change';

export interface SendWorkerData {
  brokers: string[];
  topic: string;
  schemaId: number;
  /** the registered TierChange schema (JSON text) */
  schema: string;
  logLevel: string;
}

const data = workerData as SendWorkerData;
const port = parentPort;
if (!port) throw new Error('outbox-send-worker must run as a worker thread');
const logger = createLogger({ name: 'ranker-sender', level: data.logLevel });
const type = avro.Type.forSchema(JSON.parse(data.schema) as avro.Schema);
const kafka = createKafka({ brokers: data.brokers, clientId: 'tierflow-ranker', logger });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
const connected = producer.connect();
let queue: Promise<unknown> = Promise.resolve();

port.on('message', (msg: { id: number; entries: string[] } | { stop: true }) => {
  if ('stop' in msg) {
    void queue.then(() => producer.disconnect()).finally(() => port.close());
    return;
  }
  // strictly one send after the other: the topic keeps the outbox's order
  queue = queue.then(async () => {
    try {
      await connected;
      const messages = msg.entries.map((json) => {
        const e = JSON.parse(json) as TierChange;
        return {
          key: Buffer.from(e.customerId),
          value: frame(data.schemaId, type.toBuffer(e)),
          headers: { eventId: Buffer.from(e.eventId) },
        };
      });
      await producer.send({ topic: data.topic, acks: -1, messages });
      port.postMessage({ id: msg.id });
    } catch (err) {
      port.postMessage({ id: msg.id, error: (err as Error).message });
    }
  });
});
