import type { Worker } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { startModuleWorker } from '@tierflow/runtime/threads/ts-worker';
import type { Logger } from '@tierflow/runtime/service/logger';
import type { ApplyWorkerData, FromApplyWorker, ToApplyWorker } from './apply-messages';

/** How long a scrape waits for a thread busy with a long step before using its last answer. */
const SCRAPE_WAIT_MS = 5_000;
/** A thread that answered no scrape for this long is not ready. */
const SILENT_MAX_MS = 60_000;

type Metrics = MetricObjectWithValues<MetricValue<string>>[];

export interface ApplyThreads {
  /** every thread's metrics and readiness problems (the last answer of one that is busy) */
  scrape: () => Promise<{ metrics: Metrics[]; problems: string[] }>;
  stop: () => Promise<void>;
}

interface Thread {
  name: string;
  worker: Worker;
  last: { at: number; metrics: Metrics; problems: string[] } | null;
  waiting: Map<number, () => void>;
  since: number;
}

/**
 * Starts `count` apply stages, each in its own worker thread (apply-worker.ts), like Kafka
 * Streams' num.stream.threads: each is a member of the aggregator's consumer group and holds
 * some of the shards, so applying runs on several cores. Nothing is shared but messages. A
 * thread that stops for good (or crashes) ends the process with status 70, so the supervisor
 * starts the service again from Redis's position. Resolves once every stage runs.
 */
export async function startApplyThreads(p: {
  count: number;
  logger: Logger;
  onFatal?: (err: Error) => void;
}): Promise<ApplyThreads> {
  const log = p.logger.child({ component: 'apply-threads' });
  const fatal = p.onFatal ?? ((err: Error) => {
    log.fatal({ err: err.message }, 'an apply thread stopped for good: exiting so the service is restarted');
    process.exit(70);
  });
  let stopping = false;
  let nextId = 0;
  const threads: Thread[] = [];
  const started: Promise<void>[] = [];
  for (let i = 1; i <= p.count; i++) {
    const data: ApplyWorkerData = { thread: `apply-${i}` };
    const t: Thread = { name: data.thread, worker: startModuleWorker(new URL('./apply-worker.ts', import.meta.url), data), last: null, waiting: new Map(), since: Date.now() };
    threads.push(t);
    started.push(new Promise<void>((resolve, reject) => {
      let up = false;
      t.worker.on('message', (m: FromApplyWorker) => {
        if (m.type === 'started') {
          up = true;
          resolve();
        } else if (m.type === 'scraped') {
          t.last = { at: Date.now(), metrics: m.metrics, problems: m.problems };
          t.waiting.get(m.id)?.();
          t.waiting.delete(m.id);
        } else if (m.type === 'stopped') {
          if (m.error) log.warn({ thread: t.name, err: m.error }, 'apply thread stopped with an error');
          void t.worker.terminate();
        }
      });
      t.worker.on('error', (err) => {
        if (!up) reject(err);
        else if (!stopping) fatal(err);
      });
      t.worker.on('exit', (code) => {
        if (!up) reject(new Error(`${t.name} exited (${code}) before it started`));
        else if (!stopping) fatal(new Error(`${t.name} exited (${code})`));
      });
    }));
  }
  try {
    await Promise.all(started);
  } catch (err) {
    stopping = true;
    await Promise.all(threads.map((t) => t.worker.terminate()));
    throw err;
  }
  for (const t of threads) t.worker.postMessage({ type: 'go' } satisfies ToApplyWorker);
  log.info({ threads: p.count }, 'apply threads started');

  const ask = (t: Thread) => new Promise<void>((resolve) => {
    const id = ++nextId;
    const timer = setTimeout(() => {
      t.waiting.delete(id);
      resolve();
    }, SCRAPE_WAIT_MS);
    t.waiting.set(id, () => {
      clearTimeout(timer);
      resolve();
    });
    t.worker.postMessage({ type: 'scrape', id } satisfies ToApplyWorker);
  });
  return {
    scrape: async () => {
      await Promise.all(threads.map(ask));
      const now = Date.now();
      const metrics: Metrics[] = [];
      const problems: string[] = [];
      for (const t of threads) {
        if (t.last) metrics.push(t.last.metrics);
        if (now - (t.last?.at ?? t.since) > SILENT_MAX_MS) problems.push(`${t.name}: answered no scrape for ${SILENT_MAX_MS / 1000} s`);
        else if (t.last) problems.push(...t.last.problems);
      }
      return { metrics, problems };
    },
    stop: async () => {
      stopping = true;
      await Promise.all(threads.map((t) => new Promise<void>((done) => {
        t.worker.once('exit', () => done());
        t.worker.postMessage({ type: 'stop' } satisfies ToApplyWorker);
        // a stage that does not stop in time is ended with its thread
        setTimeout(() => void t.worker.terminate(), 30_000).unref();
      })));
    },
  };
}
