import { startModuleWorker } from '@tierflow/runtime/threads/ts-worker';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processHealth } from '@tierflow/runtime/service/process-health';
import type { RepartitionMetrics, RepartitionStage } from './repartition-stage';
import type { FromWorker, ToWorker } from './worker-messages';

/**
 * Starts the repartition stage in a worker thread (repartition-worker.ts), so that reading,
 * decoding, validating and re-keying billing.transactions runs beside the apply stage, on
 * another core, instead of taking turns with it on the main thread. Nothing is shared but
 * messages: the worker reports its counts (into the main thread's metrics), its consumer's
 * state (into /readyz) and a fatal stop (then the process exits 70, as the in-thread stage
 * does, so the supervisor restarts the service). Resolves once the stage runs.
 */
export function startRepartitionThread(p: {
  groupId: string;
  metrics: RepartitionMetrics;
  logger: Logger;
  onFatal?: (err: Error) => void;
}): Promise<RepartitionStage> {
  const log = p.logger.child({ component: 'repartition-thread' });
  const worker = startModuleWorker(new URL('./repartition-worker.ts', import.meta.url));
  const fatal = p.onFatal ?? ((err: Error) => {
    log.fatal({ err: err.message }, 'repartition thread stopped for good: exiting so the service is restarted');
    process.exit(70);
  });
  let stopping = false;
  let assignment: number[] = [];
  let stopped: (() => void) | null = null;
  return new Promise<RepartitionStage>((resolve, reject) => {
    let started = false;
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'started':
          started = true;
          resolve({
            assigned: () => assignment,
            stop: () => new Promise<void>((done) => {
              stopping = true;
              stopped = done;
              worker.postMessage({ type: 'stop' } satisfies ToWorker);
              // a stage that does not stop in time is ended with its thread
              setTimeout(() => void worker.terminate().then(() => done()), 30_000).unref();
            }),
          });
          return;
        case 'count':
          p.metrics[m.metric].inc(m.n);
          return;
        case 'deadLettered':
          p.metrics.deadLettered.inc({ code: m.code });
          return;
        case 'lag':
          p.metrics.sourceLag.set({ partition: m.partition }, m.value);
          return;
        case 'consumer':
          if (m.assignment) assignment = m.assignment;
          processHealth.reportConsumer(p.groupId, m.state);
          return;
        case 'fatal':
          fatal(new Error(m.message));
          return;
        case 'failed':
          return;
        case 'stopped':
          void worker.terminate().then(() => stopped?.());
          return;
      }
    });
    worker.on('error', (err) => {
      if (!started) reject(err);
      else if (!stopping) fatal(err);
    });
    worker.on('exit', (code) => {
      if (!started) reject(new Error(`repartition thread exited (${code}) before it started`));
      else if (!stopping) fatal(new Error(`repartition thread exited (${code})`));
    });
  });
}
