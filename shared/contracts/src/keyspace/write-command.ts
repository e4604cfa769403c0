/**
 * The commands of the exactly-once stage's fenced commit (runtime exactly-once/fenced-commit.lua),
 * on keys relative to a key base. A pure type: planners (domain) build them, the runtime encodes
 * and runs them.
 */
export type CommitCommand =
  | 'HSET' | 'HDEL' | 'HINCRBY' | 'HMAX'
  | 'SADD' | 'SREM' | 'DEL' | 'APPEND'
  | 'ZADD' | 'ZREM'
  | 'RPUSH' | 'LPUSH' | 'LTRIM'
  | 'ERPUSH' | 'ECAP' | 'HIST' | 'NXPUSH' | 'HCAP' | 'HNXPUSH';

/** One write of a plan: a command on a key relative to the key base. */
export interface WriteCommand {
  cmd: 'HSET' | 'HDEL' | 'SADD' | 'DEL' | 'APPEND';
  /** key relative to the key base */
  key: string;
  args: string[];
}
