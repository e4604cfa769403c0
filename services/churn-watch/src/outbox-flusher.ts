import type { Message, Producer } from 'kafkajs';
import { headerText, outputDeadLetter, reasonOf } from '@tierflow/runtime/exactly-once/dead-letter';
import type { Logger } from '@tierflow/runtime/service/logger';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { ChurnStore } from './churn-store';
import type { ChurnRiskEvent } from '@tierflow/contracts/events/event-types';

/**
 * Sends the outbox to customer.churn-risk, oldest first, then trims what was sent. A crash
 * between send and trim sends those events again on the next flush (same eventIds). An entry
 * that cannot be encoded (EncodeError, or not JSON) is dead-lettered with its code and reason,
 * so a restart moves on instead of failing on it again.
 * Flushes are serialised; a flush asked for while one runs runs again after it.
 */
export function createOutboxFlusher(params: {
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
}) {
  const chunk = params.chunk ?? 500;
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
  let running: Promise<void> | null = null;
  let again = false;

  const drain = async () => {
    for (;;) {
      const rows = await params.store.outboxHead(chunk);
      if (rows.length === 0) return;
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
      await params.store.trimOutbox(rows[0]!, rows.length);
      params.onSent?.(messages.length);
      params.logger.debug({ sent: messages.length }, 'outbox flushed');
    }
  };

  const flush = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await drain();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  return { flush };
}
