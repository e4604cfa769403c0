import { TransientError } from '@tierflow/contracts/errors/tierflow-error';
import type { Logger } from '@tierflow/runtime/service/logger';
import type { DeliveryQueue } from './delivery-queue';

/** Thrown into a waiting batch when the service stops: retriable, the batch is consumed again after a restart. */
export class QueueStoppingError extends TransientError<'STOPPING'> {
  constructor() {
    super('STOPPING', 'alerter stopping while the alert queue was full');
    this.name = 'QueueStoppingError';
  }
}

/**
 * Keeps the alert queue bounded without losing anything: before a batch of input queues its
 * alerts, it waits while the queue has no room for them. The batch's input offset is recorded
 * only with its alerts, so while the queue is full the input simply stays in Kafka (consumption
 * pauses, the consumer's heartbeat goes on). Becoming full is logged as an error once and shown
 * as a metric, which the WebhookQueueFull alert rule watches. A batch larger than the whole
 * queue is let in when the queue is empty, so it cannot wait forever.
 */
export function createQueueBound(params: {
  queue: DeliveryQueue;
  capacity: number;
  logger: Logger;
  pollMs?: number;
  onFull?: (full: boolean) => void;
}) {
  let stopping = false;
  let full = false;
  const setFull = (value: boolean, depth: number) => {
    if (value === full) return;
    full = value;
    params.onFull?.(value);
    if (value) params.logger.error({ depth, capacity: params.capacity }, 'alert queue full: input paused until deliveries make room (nothing is dropped)');
    else params.logger.info({ depth, capacity: params.capacity }, 'alert queue has room again: input resumed');
  };
  return {
    capacity: params.capacity,
    isFull: () => full,
    /** Resolves when `n` more alerts fit; calls `heartbeat` while it waits. */
    waitForRoom: async (n: number, heartbeat?: () => Promise<void>): Promise<void> => {
      if (n === 0) return;
      for (;;) {
        if (stopping) throw new QueueStoppingError();
        const depth = await params.queue.length();
        if (depth === 0 || depth + n <= params.capacity) {
          setFull(false, depth);
          return;
        }
        setFull(true, depth);
        await new Promise((r) => setTimeout(r, params.pollMs ?? 250));
        await heartbeat?.().catch(() => undefined);
      }
    },
    stop: () => {
      stopping = true;
    },
  };
}

export type QueueBound = ReturnType<typeof createQueueBound>;
