import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// patches/kafkajs+2.2.4.patch also speeds up the produce path's encoding: varints written
// straight into the buffer, varlongs in the int32 range through the varint path, records and
// headers in right-sized, pooled (not zero-filled) buffers, and a request's first and last
// timestamps found in one pass instead of a sort. The bytes must be the ones the Kafka
// protocol defines: checked here against a plain zigzag + LEB128 encoder written with BigInt.
const require = createRequire(import.meta.url);
interface Encoder {
  writeVarInt(v: number): Encoder;
  writeVarLong(v: number | bigint): Encoder;
  buffer: Buffer;
}
const EncoderClass = require('kafkajs/src/protocol/encoder.js') as {
  new (size?: number): Encoder;
  sizeOfVarLong(v: number): number;
  sizeOfVarInt(v: number): number;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: object) => Encoder;

/** The reference: zigzag over 64 bits, then LEB128, with BigInt. */
function varlong(value: bigint): number[] {
  let z = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number((z & 0x7fn) | 0x80n));
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

const samples = [0, 1, -1, 63, 64, -64, -65, 127, 128, 300, -300, 16_383, 16_384, 2 ** 20, -(2 ** 20), 2 ** 30, 2 ** 31 - 1, -(2 ** 31),
  2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 1_767_225_600_000];

describe('kafkajs encoder patch', () => {
  it('writes varlongs and varints as zigzag LEB128, in and beyond the int32 range', () => {
    for (const v of samples) {
      const expected = varlong(BigInt(v));
      expect([...new EncoderClass().writeVarLong(v).buffer], `varlong ${v}`).toEqual(expected);
      expect(EncoderClass.sizeOfVarLong(v), `size of ${v}`).toBe(expected.length);
      if (v >= -(2 ** 31) && v < 2 ** 31) expect([...new EncoderClass().writeVarInt(v).buffer], `varint ${v}`).toEqual(expected);
    }
  });

  it('encodes a record byte for byte as the protocol lays it out', () => {
    const key = Buffer.from('C42');
    const value = Buffer.from([1, 2, 3, 250]);
    const got = [...Record({ offsetDelta: 3, timestampDelta: 1_000, key, value, headers: { h: 'v1' } }).buffer];
    const body = [0, ...varlong(1000n), ...varlong(3n), ...varlong(3n), ...key, ...varlong(4n), ...value,
      ...varlong(1n), ...varlong(1n), ...Buffer.from('h'), ...varlong(2n), ...Buffer.from('v1')];
    expect(got).toEqual([...varlong(BigInt(body.length)), ...body]);
  });

  it('is the patched version that is installed', () => {
    const source = require('node:fs').readFileSync(require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js'), 'utf8') as string;
    expect(source).toContain('tierflow patch');
    expect(source).not.toContain('.sort()');
  });
});
