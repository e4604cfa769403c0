/**
 * Writes of one apply step, as commands on keys relative to the partition's key base
 * ("<prefix>{p<P>}:"), run in order by lua/commit-batch.lua. Pure.
 */
export interface WriteCommand {
  cmd: 'HSET' | 'HDEL' | 'SADD' | 'DEL';
  /** key relative to the partition base */
  key: string;
  args: string[];
}

/** Lua's unpack takes a few thousand values: longer argument lists are split (pairs kept whole). */
const MAX_ARGS = 4_000;

/**
 * The script's argument list: number of commands, then per command its name, key, argument count
 * and arguments. Long commands are split into several of the same kind.
 */
export function encodeWrites(writes: WriteCommand[]): string[] {
  const out: string[] = [];
  let n = 0;
  for (const w of writes) {
    if (w.args.length === 0) {
      out.push(w.cmd, w.key, '0');
      n++;
      continue;
    }
    for (let i = 0; i < w.args.length; i += MAX_ARGS) {
      const part = w.args.slice(i, i + MAX_ARGS);
      out.push(w.cmd, w.key, String(part.length), ...part);
      n++;
    }
  }
  return [String(n), ...out];
}
