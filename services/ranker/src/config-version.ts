import { createHash } from 'node:crypto';

/** A short, stable version of a configuration: the first 12 hex digits of SHA-256 of its JSON. */
export function configVersion(config: unknown): string {
  return createHash('sha256').update(stableJson(config)).digest('hex').slice(0, 12);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
