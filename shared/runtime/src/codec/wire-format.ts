import { DecodeError } from './codec-errors';

/** The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro body. */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, HEADER_LENGTH);
  return out;
}

export function unframe(value: Buffer | null): { schemaId: number; body: Buffer } {
  if (!value || value.length === 0) throw new DecodeError('EMPTY_VALUE', 'record has no value');
  if (value.length < HEADER_LENGTH) {
    throw new DecodeError('TOO_SHORT', `record of ${value.length} bytes is shorter than the 5-byte header`);
  }
  if (value[0] !== MAGIC_BYTE) {
    throw new DecodeError('BAD_MAGIC_BYTE', `magic byte is ${value[0]}, expected ${MAGIC_BYTE}`);
  }
  return { schemaId: value.readUInt32BE(1), body: value.subarray(HEADER_LENGTH) };
}
