import { describe, expect, it } from 'vitest';
import { DecodeError } from '@tierflow/runtime/codec/codec-errors';
import { frame, unframe } from '@tierflow/runtime/codec/wire-format';

describe('Confluent wire format', () => {
  it('frames with magic byte 0 and a big-endian schema id', () => {
    const framed = frame(258, Buffer.from([7, 8, 9]));
    expect([...framed]).toEqual([0, 0, 0, 1, 2, 7, 8, 9]);
    expect(unframe(framed)).toEqual({ schemaId: 258, body: Buffer.from([7, 8, 9]) });
  });

  it.each([
    [null, 'EMPTY_VALUE'],
    [Buffer.alloc(0), 'EMPTY_VALUE'],
    [Buffer.from([0, 0, 1]), 'TOO_SHORT'],
    [Buffer.from([1, 0, 0, 0, 1, 2]), 'BAD_MAGIC_BYTE'],
  ])('refuses %o with %s, not retriable', (value, code) => {
    try {
      unframe(value);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).code).toBe(code);
      expect((err as DecodeError).retriable).toBe(false);
    }
  });
});
