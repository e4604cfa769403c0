import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { FatalError } from '@tierflow/contracts/errors/tierflow-error';

/**
 * The one way a service runs a Lua script. A script is a file whose header states its contract
 * (KEYS, ARGV, returns). It is read once, its `--- @include "<name>"` lines are replaced by
 * `includes/<name>.lua` next to it (each include inlined once, BullMQ-style), and it is
 * registered on a client with ioredis's `defineCommand`, which sends EVALSHA and falls back to
 * EVAL on NOSCRIPT by itself. Error replies a script raises with a `TF_<CODE>` prefix are
 * translated here, in one place, into a ScriptError (a FatalError) with the code SCRIPT_<CODE>.
 */

export type ScriptArg = string | number | Buffer;

/**
 * The codes a script may raise (`return redis.error_reply('TF_<CODE> ...')`), each a programming
 * error (the caller built arguments the script refuses): never retried, the process crashes.
 */
const SCRIPT_ERRORS = {
  /** the command list named a command outside the script's allow-list */
  NOT_ALLOWED: 'SCRIPT_NOT_ALLOWED',
  /** a guard of an unknown kind */
  BAD_GUARD: 'SCRIPT_BAD_GUARD',
  /** the argument list does not have the shape the header states */
  BAD_ARGS: 'SCRIPT_BAD_ARGS',
} as const;
type ScriptErrorCode = (typeof SCRIPT_ERRORS)[keyof typeof SCRIPT_ERRORS];

/** A Lua script refused the call (error reply `TF_<CODE> <message>`). */
export class ScriptError extends FatalError<ScriptErrorCode> {
  constructor(
    readonly script: string,
    code: ScriptErrorCode,
    message: string,
  ) {
    super(code, `${script}: ${message}`);
    this.name = 'ScriptError';
  }
}

/** Translates a script's error reply into a ScriptError; any other error is returned as it is. */
export function scriptError(script: string, err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const m = /^(?:ERR )?TF_([A-Z_]+)\s*(.*)$/s.exec(err.message);
  if (!m) return err;
  const code = SCRIPT_ERRORS[m[1] as keyof typeof SCRIPT_ERRORS] ?? 'SCRIPT_BAD_ARGS';
  return new ScriptError(script, code, m[2] || (m[1] as string));
}

const INCLUDE = /^[ \t]*---[ \t]*@include[ \t]+"([A-Za-z0-9_./-]+)"[ \t]*$/gm;

/** The script's text with its includes inlined (each once; an include may include others). */
export function loadLua(file: URL): string {
  const seen = new Set<string>();
  const expand = (url: URL): string =>
    readFileSync(url, 'utf8').replace(INCLUDE, (_line, name: string) => {
      const inc = new URL(`includes/${name.endsWith('.lua') ? name : `${name}.lua`}`, file);
      if (seen.has(inc.href)) return '';
      seen.add(inc.href);
      return expand(inc);
    });
  return expand(file);
}

export interface ScriptSpec {
  /** the command name it is registered under on a client (unique per process) */
  name: string;
  file: URL;
  /** the number of KEYS; null: the caller passes the keys, their count first */
  keys: number | null;
}

export interface LuaScript {
  readonly name: string;
  readonly lua: string;
  /**
   * Runs the script. `args` is passed to ioredis as one array (flattened once by its Command),
   * so a call with ~100,000 arguments spreads nothing onto the stack.
   */
  run<T = unknown>(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<T>;
}

type Scripted = Redis & Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Loads a script file once; it is registered on each client at its first call there. */
export function defineScript(spec: ScriptSpec): LuaScript {
  const lua = loadLua(spec.file);
  return {
    name: spec.name,
    lua,
    async run<T>(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<T> {
      const r = redis as Scripted;
      if (typeof r[spec.name] !== 'function') {
        redis.defineCommand(spec.name, spec.keys === null ? { lua } : { numberOfKeys: spec.keys, lua });
      }
      if (spec.keys !== null && keys.length !== spec.keys) {
        throw new ScriptError(spec.name, 'SCRIPT_BAD_ARGS', `takes ${spec.keys} keys, got ${keys.length}`);
      }
      try {
        return (await (spec.keys === null ? r[spec.name]!(keys.length, keys, args) : r[spec.name]!(keys, args))) as T;
      } catch (err) {
        throw scriptError(spec.name, err);
      }
    },
  };
}
