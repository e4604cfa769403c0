import type { Redis } from 'ioredis';
import type { AggregateEmitter } from './aggregate-emitter';
import { applyBatch } from './apply-script';
import type { WindowSettings } from '@tierflow/domain/windows/batch-plan';
import type { StateCache } from './partition-cache';

/**
 * Live mode: windows move on with the wall clock even when a partition is quiet. Every tick
 * runs the apply script with no events for each assigned partition, which expires the days
 * that left the windows (touching only customers active on them) and emits those customers.
 */
export function startLiveClock(p: {
  redis: Redis;
  cache: StateCache;
  prefix: string;
  topic: string;
  windows: WindowSettings;
  emitter: AggregateEmitter;
  assignedPartitions: () => number[];
  intervalMs: number;
  onError: (err: unknown) => void;
}) {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      for (const partition of p.assignedPartitions()) {
        await applyBatch({
          redis: p.redis, prefix: p.prefix, topic: p.topic, partition, events: [], windows: p.windows,
          lastOffset: '-1', clockMs: Date.now(), cache: p.cache.of(partition),
        });
        await p.emitter.emitUnsent(partition);
      }
    })()
      .catch(p.onError)
      .finally(() => {
        running = false;
      });
  }, p.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
