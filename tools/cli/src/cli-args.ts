import { UsageError } from './usage-error';

/** One flag a command accepts: `--name value` (or `--name` alone for a boolean). */
export interface FlagSpec {
  kind: 'int' | 'number' | 'string' | 'bool';
  min?: number;
  max?: number;
}

export type FlagValues = Record<string, string | number | boolean | undefined>;

/**
 * Parses `--flag value` / `--flag=value` arguments against a spec; the rest are positionals.
 * Unknown flags, missing values and out-of-range numbers are UsageErrors naming the flag.
 */
export function parseArgs(params: {
  command: string;
  args: string[];
  flags: Record<string, FlagSpec>;
}): { flags: FlagValues; positionals: string[] } {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  const { command, args } = params;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = params.flags[name];
    if (!spec) throw new UsageError(`${command}: unknown option --${name}`);
    if (spec.kind === 'bool') {
      flags[name] = eq >= 0 ? parseBool(command, name, arg.slice(eq + 1)) : true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = args[i + 1];
      i++;
    }
    if (raw === undefined || raw === '' || (eq < 0 && raw.startsWith('--'))) {
      throw new UsageError(`${command}: --${name} needs a value`);
    }
    flags[name] = spec.kind === 'string' ? raw : parseNumber(command, name, raw, spec);
  }
  return { flags, positionals };
}

function parseBool(command: string, name: string, raw: string): boolean {
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  throw new UsageError(`${command}: --${name} expects true or false, got ${raw}`);
}

function parseNumber(command: string, name: string, raw: string, spec: FlagSpec): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || (spec.kind === 'int' && !Number.isInteger(value))) {
    throw new UsageError(`${command}: --${name} expects ${spec.kind === 'int' ? 'an integer' : 'a number'}, got ${raw}`);
  }
  if (spec.min !== undefined && value < spec.min) {
    throw new UsageError(`${command}: --${name} must be at least ${spec.min}, got ${raw}`);
  }
  if (spec.max !== undefined && value > spec.max) {
    throw new UsageError(`${command}: --${name} must be at most ${spec.max}, got ${raw}`);
  }
  return value;
}

/** Typed accessors over parsed flags, with defaults. */
export const flagInt = (flags: FlagValues, name: string, fallback: number): number =>
  typeof flags[name] === 'number' ? (flags[name] as number) : fallback;
export const flagString = (flags: FlagValues, name: string, fallback?: string): string | undefined =>
  typeof flags[name] === 'string' ? (flags[name] as string) : fallback;
export const flagBool = (flags: FlagValues, name: string, fallback = false): boolean =>
  typeof flags[name] === 'boolean' ? (flags[name] as boolean) : fallback;
