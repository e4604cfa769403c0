import type { Producer } from 'kafkajs';
import type { Logger } from '@tierflow/shared/logger';
import type { SchemaCodec } from '@tierflow/shared/schema-codec';
import type { ChurnStore } from './churn-store';
import type { ChurnRiskEvent } from './rules/churn-types';

/**
 * Sends the outbox to customer.churn-risk, oldest first, then trims what was sent. A crash
 * between send and trim sends those events again on the next flush (same eventIds).
 * Flushes are serialised; a flush asked for while one runs runs again after it.
 */
export function createOutboxFlusher(params: {
  store: ChurnStore;
  producer: Producer;
  codec: SchemaCodec;
  schemaId: number;
  topic: string;
  logger: Logger;
  onSent?: (n: number) => void;
  chunk?: number;
}) {
  const chunk = params.chunk ?? 500;
  let running: Promise<void> | null = null;
  let again = false;

  const drain = async () => {
    for (;;) {
      const rows = await params.store.outboxHead(chunk);
      if (rows.length === 0) return;
      const messages = rows.map((row) => {
        const e = JSON.parse(row) as ChurnRiskEvent;
        return { key: e.customerId, value: params.codec.encode(params.schemaId, e), headers: { eventId: e.eventId } };
      });
      await params.producer.send({ topic: params.topic, acks: -1, messages });
      await params.store.trimOutbox(rows[0]!, rows.length);
      params.onSent?.(rows.length);
      params.logger.debug({ sent: rows.length }, 'outbox flushed');
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
