import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** What an apply thread (apply-worker.ts) tells the main thread. */
export type FromApplyWorker =
  | { type: 'started' }
  /** the answer to a scrape: the thread's metrics (its service and process registries) and why it is not ready */
  | { type: 'scraped'; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[]; problems: string[] }
  | { type: 'stopped'; error?: string };

/** What the main thread tells an apply thread. */
export type ToApplyWorker =
  | { type: 'scrape'; id: number }
  /** every thread is a member of the group: batches may be applied (start-gate.ts) */
  | { type: 'go' }
  | { type: 'stop' };

/** What an apply thread is started with. */
export interface ApplyWorkerData {
  /** its name in logs, metrics and /readyz: apply-1, apply-2, ... */
  thread: string;
}
