import type avro from 'avsc';
import { EncodeError } from './codec-errors';

const INTEGER_TYPES = new Set(['int', 'long']);
const FLOAT_TYPES = new Set(['float', 'double']);

/**
 * Why avsc refused a value: walks the value against the type (avsc's errorHook names the first
 * bad field) and classifies it: a fractional int/long is NOT_AN_INTEGER, a whole number out of
 * the type's range OUT_OF_RANGE, anything else SCHEMA_MISMATCH. Pure; called only after
 * toBuffer threw, so the hot path pays nothing.
 */
export function encodeFailure(type: avro.Type, value: unknown, cause: Error): EncodeError {
  let found: { path: string; val: unknown; type: avro.Type } | null = null;
  type.isValid(value, {
    errorHook: (path: string[], val: unknown, t: avro.Type) => {
      found ??= { path: path.join('.'), val, type: t };
    },
  });
  const f = found as { path: string; val: unknown; type: avro.Type } | null;
  if (!f) return new EncodeError('SCHEMA_MISMATCH', `value does not match the schema: ${cause.message.slice(0, 200)}`);
  const where = f.path === '' ? 'the value' : `field ${f.path}`;
  const branches = branchNames(f.type);
  if (typeof f.val === 'number' && branches.some((n) => INTEGER_TYPES.has(n)) && !branches.some((n) => FLOAT_TYPES.has(n))) {
    if (Number.isFinite(f.val) && !Number.isInteger(f.val)) {
      return new EncodeError('NOT_AN_INTEGER', `${where} is ${f.val}, not an integer (${branches.join('|')})`, f.path);
    }
    return new EncodeError('OUT_OF_RANGE', `${where} is ${f.val}, out of range for ${branches.join('|')}`, f.path);
  }
  return new EncodeError('SCHEMA_MISMATCH', `${where} (${describe(f.val)}) does not match ${branches.join('|')}`, f.path);
}

/** The primitive or named type names a (union) type accepts. */
function branchNames(t: avro.Type): string[] {
  const union = t as avro.Type & { types?: avro.Type[] };
  const types = t.typeName === 'union:unwrapped' || t.typeName === 'union:wrapped' ? (union.types ?? []) : [t];
  return types.map((b) => {
    const underlying = (b as avro.Type & { underlyingType?: avro.Type }).underlyingType;
    return (underlying ?? b).typeName;
  });
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `string of ${v.length} characters`;
  if (typeof v === 'object') return Array.isArray(v) ? 'array' : 'object';
  return `${typeof v} ${String(v).slice(0, 40)}`;
}
