/**
 * Worker thread of the outbox flusher: Avro-encodes tier changes and produces them to Kafka
 * (acks=-1), one request at a time, in the order they arrive, so kafkajs's per-message work
 * runs beside the ranking instead of in its thread. Messages in: {id, entries: JSON strings},
 * {reset} (after a failure, once the flusher has settled every request it posted), {stop};
 * out: {id} when Kafka acknowledged them, {id, error} when the send failed or was refused
 * because an earlier one failed (so nothing is ever sent out of order).
 */
import { parentPort, workerData } from 'node:worker_threads';
import avro from 'avsc';
import { CachingPartitioner } from '@tierflow/shared/caching-partitioner';
import { createKafka } from '@tierflow/shared/kafka-client';
import { createLogger } from '@tierflow/shared/logger';
import { frame } from '@tierflow/shared/wire-format';
import { decodeStoredTierChange } from './stored-tier-change';

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
const producer = kafka.producer({ createPartitioner: CachingPartitioner, allowAutoTopicCreation: false });
const connected = producer.connect();
let queue: Promise<unknown> = Promise.resolve();
/** set when a send failed: later requests are refused (not sent) until the flusher resets */
let failed: string | null = null;

const encode = (entries: string[]) =>
  entries.map((json) => {
    const e = decodeStoredTierChange(json);
    return {
      key: e.customerId,
      value: frame(data.schemaId, type.toBuffer(e)),
      headers: { eventId: Buffer.from(e.eventId) },
    };
  });

port.on('message', (msg: { id: number; entries: string[] } | { stop: true } | { reset: true }) => {
  if ('stop' in msg) {
    void queue.then(() => producer.disconnect()).finally(() => port.close());
    return;
  }
  if ('reset' in msg) {
    failed = null;
    return;
  }
  // encoded on arrival, while the request before it may still be in flight
  let messages: ReturnType<typeof encode> | null = null;
  let encodeError: string | null = null;
  try {
    messages = encode(msg.entries);
  } catch (err) {
    encodeError = (err as Error).message;
  }
  // strictly one request after the other, none after a failure: the topic keeps the outbox's order
  queue = queue.then(async () => {
    if (failed !== null) return port.postMessage({ id: msg.id, error: `not sent: an earlier send failed (${failed})` });
    try {
      if (encodeError !== null || !messages) throw new Error(encodeError ?? 'nothing encoded');
      await connected;
      await producer.send({ topic: data.topic, acks: -1, messages });
      port.postMessage({ id: msg.id });
    } catch (err) {
      failed = (err as Error).message;
      port.postMessage({ id: msg.id, error: failed });
    }
  });
});
