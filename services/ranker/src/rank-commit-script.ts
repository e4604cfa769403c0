import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const source = readFileSync(new URL('./lua/rank-commit.lua', import.meta.url), 'utf8');
const sha = createHash('sha1').update(source).digest('hex');

export type CommitCommand = 'HSET' | 'HDEL' | 'ZADD' | 'ZREM' | 'SADD' | 'LPUSH' | 'ECAP' | 'HIST';

/** Lua's unpack takes a few thousand values: longer argument lists are split (pairs kept whole). */
const MAX_ARGS = 4_000;

/**
 * The argument list of lua/rank-commit.lua after the outbox key: the tier-change entries (each
 * sent once; the script appends them to the outbox; ECAP refers to them by 1-based number), then the number of commands and per command its
 * name, key (relative to the key base), argument count and arguments. Long commands are split
 * into several of the same kind (an ECAP or HIST part repeats the cap; pairs stay whole). Pure.
 */
export class CommitWriter {
  private readonly out: string[] = [];
  private n = 0;

  constructor(private readonly entries: string[]) {}

  add(cmd: CommitCommand, key: string, args: string[]): void {
    if (args.length === 0) return;
    const head = cmd === 'ECAP' || cmd === 'HIST' ? 1 : 0; // the cap, repeated in every part
    const cap = args[0] as string;
    for (let i = head; i < args.length; i += MAX_ARGS) {
      const end = Math.min(args.length, i + MAX_ARGS);
      const count = end - i + head;
      this.out.push(cmd, key, String(count));
      if (head) this.out.push(cap);
      for (let j = i; j < end; j++) this.out.push(args[j] as string);
      this.n++;
    }
  }

  encoded(): string[] {
    const all = [String(this.entries.length)];
    for (const e of this.entries) all.push(e);
    all.push(String(this.n));
    for (const a of this.out) all.push(a);
    return all;
  }
}

/** EVALSHA of rank-commit.lua, loading it with EVAL the first time a server has not seen it. */
export async function runScript(redis: Redis, offsetsKey: string, head: string[], writer: CommitWriter): Promise<unknown> {
  const args = [offsetsKey, ...head];
  for (const a of writer.encoded()) args.push(a);
  try {
    return await redis.evalsha(sha, 1, args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return await redis.eval(source, 1, args);
  }
}
