import { startModuleWorker } from '@tierflow/runtime/threads/ts-worker';
import type { SendEntries } from '@tierflow/runtime/exactly-once/outbox';
import type { SendWorkerData } from './outbox-send-worker';
import { TransientError } from '@tierflow/contracts/errors/tierflow-error';

/**
 * Starts outbox-send-worker.ts in a worker thread and returns a SendEntries that hands the
 * entries to it (resolving when Kafka acknowledged them) and a close. The flusher awaits each
 * send before the next, so the order on the topic is the outbox's.
 */
export function startSendThread(
  data: SendWorkerData,
  /** the thread died: nothing can be sent any more */
  onDead?: (err: Error) => void,
): { send: SendEntries; reset: () => void; close: () => Promise<void> } {
  const worker = startModuleWorker(new URL('./outbox-send-worker.ts', import.meta.url), data);
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let next = 0;
  let dead: Error | null = null;
  let closing = false;
  const failAll = (err: Error) => {
    if (dead) return;
    dead = err;
    if (!closing) onDead?.(err);
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (msg: { id: number; error?: string }) => {
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error === undefined) w.resolve();
    else w.reject(new TransientError('KAFKA_SEND', `tier-change send failed: ${msg.error}`));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the outbox send thread exited (${code})`)));
  worker.unref();
  return {
    send: (entries) =>
      new Promise<void>((resolve, reject) => {
        if (dead) return reject(dead);
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, entries });
      }),
    reset: () => {
      if (!dead) worker.postMessage({ reset: true });
    },
    close: async () => {
      if (dead) return;
      closing = true;
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      worker.postMessage({ stop: true });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000).unref())]);
      await worker.terminate();
    },
  };
}
