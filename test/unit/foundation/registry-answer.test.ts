import { describe, expect, it } from 'vitest';
import { DecodeError } from '@tierflow/runtime/codec/codec-errors';
import { isBadAnswer, writerFromAnswer } from '@tierflow/runtime/codec/registry-answer';

const avroSchema = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'long' }] });
const failure = (status: number, body: string) => {
  try {
    writerFromAnswer(7, status, body);
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    const e = err as DecodeError;
    return { code: e.code, retriable: e.retriable };
  }
  throw new Error('expected a DecodeError');
};

describe('the registry answer for a schema id', () => {
  it('parses an Avro schema, with or without schemaType', () => {
    expect(writerFromAnswer(7, 200, JSON.stringify({ schema: avroSchema })).toBuffer({ a: 3 })).toEqual(Buffer.from([6]));
    expect(writerFromAnswer(7, 200, JSON.stringify({ schema: avroSchema, schemaType: 'AVRO' })).typeName).toBe('record');
  });

  it.each([
    ['a JSON Schema', 200, JSON.stringify({ schema: '{"type":"object"}', schemaType: 'JSON' }), 'NOT_AVRO_SCHEMA', false],
    ['a Protobuf schema', 200, JSON.stringify({ schema: 'syntax = "proto3"; message M {}', schemaType: 'PROTOBUF' }), 'NOT_AVRO_SCHEMA', false],
    ['schema text avsc cannot parse', 200, JSON.stringify({ schema: '{"type":"object"}' }), 'BAD_SCHEMA', false],
    ['schema text that is not JSON', 200, JSON.stringify({ schema: 'message M {}' }), 'BAD_SCHEMA', false],
    ['an HTML page with status 200', 200, '<html><body>Sign in</body></html>', 'BAD_REGISTRY_ANSWER', true],
    ['JSON without schema text', 200, JSON.stringify({ id: 7 }), 'BAD_REGISTRY_ANSWER', true],
    ['JSON null', 200, 'null', 'BAD_REGISTRY_ANSWER', true],
    ['404', 404, '{"error_code":40403}', 'UNKNOWN_SCHEMA_ID', false],
    ['503 with an HTML page', 503, '<html>down</html>', 'REGISTRY_UNAVAILABLE', true],
    ['401', 401, '', 'REGISTRY_UNAVAILABLE', true],
  ])('%s -> %s', (_what, status, body, code, retriable) => {
    expect(failure(status, body)).toEqual({ code, retriable });
  });

  it('only a bad answer is asked again inside one decode', () => {
    expect(isBadAnswer(new DecodeError('BAD_REGISTRY_ANSWER', 'x', true))).toBe(true);
    expect(isBadAnswer(new DecodeError('REGISTRY_UNAVAILABLE', 'x'))).toBe(false);
    expect(isBadAnswer(new Error('x'))).toBe(false);
  });
});
