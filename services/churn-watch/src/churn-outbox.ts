import type { Message, Producer } from 'kafkajs';
import { headerText, outputDeadLetter, reasonOf } from '@tierflow/runtime/exactly-once/dead-letter';
import { Outbox } from '@tierflow/runtime/exactly-once/outbox';
import type { Logger } from '@tierflow/runtime/service/logger';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { ChurnStore } from './churn-store';
import type { ChurnRiskEvent } from '@tierflow/contracts/events/event-types';

/**
 * churn-watch's outbox: the runtime's one outbox in shared mode (every partition's commit
 * appends to the one list `<prefix>{cw}:outbox`), sent to customer.churn-risk oldest first and
 * removed only after Kafka acknowledged it. A crash between send and removal sends those events
 * again on the next flush (same eventIds). The hook: an entry that cannot be encoded
 * (EncodeError, or not JSON) is dead-lettered with its code and reason, so a restart moves on
 * instead of failing on it again. Flushes are serialised; a flush asked for while one runs runs
 * again after it.
 */
export function createChurnOutbox(params: {
  store: ChurnStore;
  producer: Producer;
  codec: SchemaCodec;
  schemaId: number;
  topic: string;
  /** where events that cannot be encoded go */
  dlqTopic: string;
  logger: Logger;
  onSent?: (n: number) => void;
  onDeadLettered?: (n: number) => void;
  chunk?: number;
}): Outbox {
  const encodeRow = (row: string): { message: Message } | { dead: Message } => {
    let e: ChurnRiskEvent | null = null;
    try {
      e = JSON.parse(row) as ChurnRiskEvent;
      return { message: { key: e.customerId, value: params.codec.encode(params.schemaId, e), headers: { eventId: e.eventId } } };
    } catch (err) {
      const why = reasonOf(err, 'BAD_OUTBOX_ENTRY');
      const key = typeof e?.customerId === 'string' ? e.customerId : null;
      return { dead: outputDeadLetter({ service: 'churn-watch', topic: params.topic, source: 'outbox', key, stored: row, why }) };
    }
  };
  const send = async (rows: string[]): Promise<void> => {
    const messages: Message[] = [];
    const dead: Message[] = [];
    for (const row of rows) {
      const one = encodeRow(row);
      if ('dead' in one) dead.push(one.dead);
      else messages.push(one.message);
    }
    // an event that cannot be encoded (a fractional long stored by an older version, say)
    // goes to the dead-letter topic and leaves the outbox with the rest: it never blocks it
    if (dead.length > 0) {
      await params.producer.send({ topic: params.dlqTopic, acks: -1, messages: dead });
      params.onDeadLettered?.(dead.length);
      params.logger.warn({ count: dead.length, first: headerText(dead[0]!.headers, 'tierflow.dlq.reason') }, 'outbox events dead-lettered: cannot encode');
    }
    if (messages.length > 0) await params.producer.send({ topic: params.topic, acks: -1, messages });
    params.onSent?.(messages.length);
    params.logger.debug({ sent: messages.length }, 'outbox flushed');
  };
  return new Outbox({ redis: params.store.redis, outboxKey: params.store.keys.outbox, send, batchSize: params.chunk ?? 500, shared: true });
}
