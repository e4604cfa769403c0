import { z } from 'zod';
import { ConfigurationError } from '@tierflow/contracts/errors/tierflow-error';

/** Thrown when the environment does not satisfy a service's config schema. */
export class ConfigError extends ConfigurationError<'CONFIG_INVALID'> {
  constructor(readonly problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(
      'CONFIG_INVALID',
      'invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once with a zod object whose keys are the SCREAMING_SNAKE variable
 * names. Every bad variable is named in one error. Returns the typed result.
 */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const raw = env[key];
    input[key] = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(unknown)'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/** Env helpers: numbers coerced, booleans parsed strictly, lists split on commas. */
export const envInt = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const envNumber = (fallback: number, min = -Infinity, max = Infinity) =>
  z.coerce.number().min(min).max(max).default(fallback);

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(z.string()).min(1, 'expected a comma-separated list'));
