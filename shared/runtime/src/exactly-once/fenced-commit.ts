import type { Redis } from 'ioredis';
import type { CommitCommand } from '@tierflow/contracts/keyspace/write-command';
import { defineScript } from '../redis/scripts';

export type { CommitCommand, WriteCommand } from '@tierflow/contracts/keyspace/write-command';

/**
 * Lua's unpack takes a few thousand values: longer argument lists are split into several
 * commands of the same kind (pairs kept whole, and the triples of HNXPUSH; a cap or ttl heading
 * the list is repeated).
 */
export const MAX_ARGS = 4_000;

/** Commands whose first argument (a cap, a ttl) heads every part of a split. */
const HEADED: ReadonlySet<CommitCommand> = new Set<CommitCommand>(['ECAP', 'HIST', 'NXPUSH', 'HCAP', 'HNXPUSH']);

const script = defineScript({ name: 'tfFencedCommit', file: new URL('./lua/fenced-commit.lua', import.meta.url), keys: 1 });

/** What a fenced commit did: written, or refused by a guard (nothing written). */
export type CommitOutcome =
  | { committed: true; /** entries NXPUSH queued (the rest had been seen) */ queued: number }
  | { committed: false; /** the label of the guard that failed */ guard: string; /** its stored value (null: absent) */ stored: string | null };

/**
 * One atomic, fenced write (lua/fenced-commit.lua): guards (compare-and-set fences, offset
 * fences), then commands on keys relative to the key base, then the fence updates. Builds the
 * script's argument list with no per-command arrays; `run` makes one script call. Keys are
 * relative to `base`; `relative` turns an absolute key into one.
 */
export class FencedCommit {
  private readonly guards: string[] = [];
  private readonly labels: string[] = [];
  private readonly cmds: string[] = [];
  private readonly updates: string[] = [];
  private entries: readonly string[] = [];
  private n = 0;

  constructor(
    /** the fence hash, absolute (the script's one declared key) */
    readonly fenceKey: string,
    /** every key written starts with it (one cluster slot) */
    readonly base: string,
  ) {}

  /** The key relative to the base (throws when it is not under it). */
  relative(key: string): string {
    if (!key.startsWith(this.base)) throw new Error(`fenced commit: key ${key} is not under ${this.base}`);
    return key.slice(this.base.length);
  }

  /** Guard: hash field `field` of `key` holds `expected` (null: the field is absent). */
  guardEquals(label: string, key: string, field: string, expected: string | null): this {
    this.guards.push('EQ', key, field, expected ?? '');
    this.labels.push(label);
    return this;
  }

  /** Guard: hash field `field` of `key` is absent or a number below `value` (not applied yet). */
  guardBelow(label: string, key: string, field: string, value: string): this {
    this.guards.push('LT', key, field, value);
    this.labels.push(label);
    return this;
  }

  /** Payload entries, sent once; ERPUSH, ECAP, HIST and NXPUSH refer to them by 1-based number. */
  payload(entries: readonly string[]): this {
    this.entries = entries;
    return this;
  }

  /** A command (see fenced-commit.lua). An empty argument list is skipped, but for DEL. */
  add(cmd: CommitCommand, key: string, args: readonly string[]): this {
    const out = this.cmds;
    if (args.length === 0) {
      if (cmd === 'DEL') {
        out.push(cmd, key, '0');
        this.n++;
      }
      return this;
    }
    const head = HEADED.has(cmd) ? 1 : 0;
    if (args.length <= head) return this;
    const step = cmd === 'HNXPUSH' ? MAX_ARGS - (MAX_ARGS % 3) : MAX_ARGS;
    for (let i = head; i < args.length; i += step) {
      const end = Math.min(args.length, i + step);
      out.push(cmd, key, String(end - i + head));
      if (head) out.push(args[0] as string);
      for (let j = i; j < end; j++) out.push(args[j] as string);
      this.n++;
    }
    return this;
  }

  /** The fence update: HSET key field value, after every command. */
  fence(key: string, field: string, value: string): this {
    this.updates.push('HSET', key, '2', field, value);
    return this;
  }

  /** The script's ARGV. */
  args(): string[] {
    const g = this.guards;
    const e = this.entries;
    const c = this.cmds;
    const u = this.updates;
    const all: string[] = new Array(4 + g.length + e.length + c.length + u.length);
    let k = 0;
    all[k++] = this.base;
    all[k++] = String(this.labels.length);
    for (let i = 0; i < g.length; i++) all[k++] = g[i] as string;
    all[k++] = String(e.length);
    for (let i = 0; i < e.length; i++) all[k++] = e[i] as string;
    all[k++] = String(this.n + u.length / 5);
    for (let i = 0; i < c.length; i++) all[k++] = c[i] as string;
    for (let i = 0; i < u.length; i++) all[k++] = u[i] as string;
    return all;
  }

  /** Runs the commit in one script call. */
  async run(redis: Redis): Promise<CommitOutcome> {
    return this.outcome(await script.run<[number, number | string, string?]>(redis, [this.fenceKey], this.args()));
  }

  /** The script's reply as an outcome: the one place its result shape is read. */
  private outcome(reply: [number, number | string, string?]): CommitOutcome {
    if (reply[0] === 1) return { committed: true, queued: Number(reply[1]) };
    const stored = reply[2] ?? '';
    return { committed: false, guard: this.labels[Number(reply[1]) - 1] ?? `#${reply[1]}`, stored: stored === '' ? null : stored };
  }
}
