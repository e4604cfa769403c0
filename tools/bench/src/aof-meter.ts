import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

/** The AOF figures of INFO persistence the meter reads. */
interface AofSample {
  current: number;
  base: number;
  rewrites: number;
}

async function sample(redis: Redis): Promise<AofSample> {
  const info = await redis.info('persistence');
  const num = (field: string) => Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return { current: num('aof_current_size'), base: num('aof_base_size'), rewrites: num('aof_rewrites') };
}

/** The files of Redis's AOF folder (CONFIG GET dir + appenddirname) and their bytes, when this machine can see them. */
export async function aofFiles(redis: Redis): Promise<{ dir: string; bytes: number } | null> {
  try {
    const [, dir] = (await redis.config('GET', 'dir')) as [string, string];
    const [, name] = (await redis.config('GET', 'appenddirname')) as [string, string];
    const folder = path.join(dir, name);
    const bytes = readdirSync(folder).reduce((s, f) => s + statSync(path.join(folder, f)).size, 0);
    return { dir: folder, bytes };
  } catch {
    return null; // CONFIG refused (a managed Redis) or another machine's disk
  }
}

/**
 * Bytes Redis appended to its AOF between `start` and `stop`: INFO persistence polled every
 * `everyMs`; the growth of the incremental part (aof_current_size - aof_base_size) summed, and
 * across an AOF rewrite (aof_rewrites moves, the incremental file starts again) the new file's
 * size added. Writes between the last poll and a rewrite's start are missed (a poll's worth).
 * The AOF is the whole Redis's: run nothing else against it meanwhile.
 */
export function aofMeter(redis: Redis, everyMs = 250) {
  let timer: NodeJS.Timeout | null = null;
  let last: AofSample | null = null;
  let bytes = 0;
  let rewrites = 0;
  const poll = async () => {
    const s = await sample(redis);
    if (last) {
      const incr = s.current - s.base;
      const before = last.current - last.base;
      if (s.rewrites !== last.rewrites || incr < before) {
        rewrites += Math.max(1, s.rewrites - last.rewrites);
        bytes += Math.max(0, incr);
      } else bytes += incr - before;
    }
    last = s;
  };
  // one poll at a time, in order
  let chain: Promise<void> = Promise.resolve();
  const tick = () => (chain = chain.then(poll).catch(() => undefined));
  return {
    async start(): Promise<void> {
      await tick();
      timer = setInterval(() => void tick(), everyMs);
    },
    /** The bytes appended since `start`, and how many rewrites happened meanwhile. */
    async stop(): Promise<{ bytes: number; rewrites: number }> {
      if (timer) clearInterval(timer);
      timer = null;
      await tick();
      return { bytes, rewrites };
    },
  };
}
