import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { EncodeError } from '@tierflow/runtime/codec/codec-errors';
import { encodeFailure } from '@tierflow/runtime/codec/encode-failure';

const type = avro.Type.forSchema({
  type: 'record',
  name: 'E',
  fields: [
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'n', type: 'int' },
    { name: 'maybe', type: ['null', 'long'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['A', 'B'] } },
    { name: 'figures', type: { type: 'map', values: 'double' } },
  ],
});
const good = { at: 1_788_558_612_666, n: 5, maybe: null, kind: 'A', figures: { x: 0.5 } };

function failureOf(value: Record<string, unknown>): EncodeError {
  let cause: Error | null = null;
  try {
    type.toBuffer(value);
  } catch (err) {
    cause = err as Error;
  }
  expect(cause, 'avsc refuses the value').not.toBeNull();
  return encodeFailure(type, value, cause as Error);
}

describe('why a value cannot be encoded', () => {
  it('the good value encodes', () => {
    expect(type.toBuffer(good).length).toBeGreaterThan(0);
  });

  it.each([
    ['a fractional long (a timer due time not rounded)', { at: 1_788_558_612_666.6667 }, 'NOT_AN_INTEGER', 'at'],
    ['a fractional int', { n: 2.5 }, 'NOT_AN_INTEGER', 'n'],
    ['a fractional long in a union', { maybe: 0.5 }, 'NOT_AN_INTEGER', 'maybe'],
    ['an int beyond 32 bits', { n: 2 ** 31 }, 'OUT_OF_RANGE', 'n'],
    ['a long beyond 2^53', { at: 2 ** 60 }, 'OUT_OF_RANGE', 'at'],
    ['an infinite long', { at: Number.POSITIVE_INFINITY }, 'OUT_OF_RANGE', 'at'],
    ['an unknown enum symbol', { kind: 'Z' }, 'SCHEMA_MISMATCH', 'kind'],
    ['a string where a number is', { n: '5' }, 'SCHEMA_MISMATCH', 'n'],
    ['a missing field', { at: undefined }, 'SCHEMA_MISMATCH', 'at'],
  ])('%s', (_what, change, code, path) => {
    const e = failureOf({ ...good, ...change });
    expect(e).toBeInstanceOf(EncodeError);
    expect({ code: e.code, path, retriable: e.retriable }).toEqual({ code, path: e.path, retriable: false });
    expect(e.path).toBe(path);
  });
});
