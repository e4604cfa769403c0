import type { ConsumerState } from '@tierflow/runtime/service/process-health';

/** What the repartition thread tells the aggregator's main thread. */
export type FromWorker =
  | { type: 'started' }
  | { type: 'count'; metric: 'sourceIn' | 'repartitioned'; n: number }
  | { type: 'deadLettered'; code: string }
  | { type: 'lag'; partition: string; value: number }
  | { type: 'consumer'; state: ConsumerState; assignment?: number[] }
  | { type: 'fatal'; message: string }
  | { type: 'failed'; message: string }
  | { type: 'stopped'; error?: string };

/** What the main thread tells the repartition thread. */
export type ToWorker = { type: 'stop' };
