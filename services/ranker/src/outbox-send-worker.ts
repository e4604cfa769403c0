/**
 * Worker thread of the outbox flusher: Avro-encodes tier changes and produces them to Kafka
 * (acks=-1), one request at a time, in the order they arrive, so kafkajs's per-message work
 * runs beside the ranking instead of in its thread. Messages in: {id, entries: stored tier changes},
 * {reset} (after a failure, once the flusher has settled every request it posted), {stop};
 * out: {id} when Kafka acknowledged them, {id, error} when the send failed or was refused
 * because an earlier one failed (so nothing is ever sent out of order).
 */
import { parentPort, workerData } from 'node:worker_threads';
import avro from 'avsc';
import type { Message } from 'kafkajs';
import { headerText, outputDeadLetter, reasonOf } from '@tierflow/runtime/exactly-once/dead-letter';
import { encodeFailure } from '@tierflow/runtime/codec/encode-failure';
import { KeyPartitioner } from '@tierflow/runtime/kafka/key-partitioner';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import type { KafkaSecurity } from '@tierflow/runtime/kafka/kafka-security';
import { createLogger } from '@tierflow/runtime/service/logger';
import { frame } from '@tierflow/runtime/codec/wire-format';
import { decodeStoredTierChange } from '@tierflow/contracts/keyspace/ranker/stored-tier-change';
import type { StoredTierContext } from '@tierflow/contracts/keyspace/ranker/stored-tier-context';

export interface SendWorkerData {
  brokers: string[];
  /** TLS and SASL for the thread's own client (plain data: it crosses the thread boundary) */
  security: KafkaSecurity;
  topic: string;
  /** where tier changes that cannot be encoded go */
  dlqTopic: string;
  schemaId: number;
  /** the registered TierChange schema (JSON text) */
  schema: string;
  logLevel: string;
  /** the rules and config version the compact stored form leaves out (the ranker's own) */
  context: StoredTierContext;
}

const data = workerData as SendWorkerData;
const port = parentPort;
if (!port) throw new Error('outbox-send-worker must run as a worker thread');
const logger = createLogger({ name: 'ranker-sender', level: data.logLevel });
const type = avro.Type.forSchema(JSON.parse(data.schema) as avro.Schema);
const kafka = createKafka({ brokers: data.brokers, security: data.security, clientId: 'tierflow-ranker', logger });
const producer = kafka.producer({ createPartitioner: KeyPartitioner, allowAutoTopicCreation: false });
/**
 * The producer's connection, made on first use and made again after a failed attempt: a thread
 * started while the broker is down (the ranker restarting during a broker restart) must not keep
 * the first attempt's refusal for good, or no tier change would ever be sent again.
 */
let connecting: Promise<void> | null = null;
const connected = () =>
  (connecting ??= producer.connect().catch((err: unknown) => {
    connecting = null;
    throw err;
  }));
void connected().catch(() => undefined); // early, so the first send does not wait for it
let queue: Promise<unknown> = Promise.resolve();
/** set when a send failed: later requests are refused (not sent) until the flusher resets */
let failed: string | null = null;

/**
 * Encodes each entry; one that cannot be encoded (a fractional or out-of-range number, a value
 * not matching the schema, an unreadable stored entry) is dead-lettered with its code instead,
 * so it leaves the outbox with the rest and never blocks it.
 */
const encode = (entries: string[]) => {
  const messages: Message[] = [];
  const dead: Message[] = [];
  for (const json of entries) {
    let key: string | null = null;
    try {
      const e = decodeStoredTierChange(json, data.context);
      key = e.customerId;
      let body: Buffer;
      try {
        body = type.toBuffer(e);
      } catch (err) {
        throw encodeFailure(type, e, err as Error);
      }
      messages.push({ key: e.customerId, value: frame(data.schemaId, body), headers: { eventId: Buffer.from(e.eventId) } });
    } catch (err) {
      dead.push(outputDeadLetter({ service: 'ranker', topic: data.topic, source: 'outbox', key, stored: json, why: reasonOf(err, 'BAD_OUTBOX_ENTRY') }));
    }
  }
  return { messages, dead };
};

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
      await connected();
      if (messages.dead.length > 0) {
        await producer.send({ topic: data.dlqTopic, acks: -1, messages: messages.dead });
        logger.warn({ count: messages.dead.length, first: headerText(messages.dead[0]!.headers, 'tierflow.dlq.reason') }, 'tier changes dead-lettered: cannot encode');
      }
      if (messages.messages.length > 0) await producer.send({ topic: data.topic, acks: -1, messages: messages.messages });
      port.postMessage({ id: msg.id });
    } catch (err) {
      failed = (err as Error).message;
      port.postMessage({ id: msg.id, error: failed });
    }
  });
});
