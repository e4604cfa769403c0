import avro from 'avsc';
import { DecodeError } from './codec-errors';

/**
 * Turns the registry's answer to `GET /schemas/ids/<id>` into the writer's avsc type, or a
 * DecodeError saying why not. Pure (no I/O), so every kind of answer is unit-tested:
 * - unreachable, 5xx, 429, 408, 401, 403: REGISTRY_UNAVAILABLE, retriable (an outage or our
 *   own configuration, never the record's fault: nothing of it is dead-lettered);
 * - 404: UNKNOWN_SCHEMA_ID;
 * - 2xx whose body is not a registry answer (an HTML page, invalid JSON, no `schema` text):
 *   BAD_REGISTRY_ANSWER, marked retriable here; the codec retries it a bounded number of times
 *   and then gives up on the record (see SchemaCodec.loadWriter, docs/decisions.md);
 * - a `schemaType` other than AVRO (JSON, PROTOBUF): NOT_AVRO_SCHEMA;
 * - schema text that avsc cannot parse: BAD_SCHEMA.
 */
export function writerFromAnswer(schemaId: number, status: number, body: string): avro.Type {
  if (status === 404) throw new DecodeError('UNKNOWN_SCHEMA_ID', `schema id ${schemaId} is not in the registry`);
  if (status < 200 || status >= 300) {
    throw new DecodeError('REGISTRY_UNAVAILABLE', `registry answered ${status} for schema ${schemaId}`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    throw new DecodeError('BAD_REGISTRY_ANSWER', `registry answer for schema ${schemaId} is not JSON: ${snippet(body)}`, true);
  }
  const { schema, schemaType } = (answer ?? {}) as { schema?: unknown; schemaType?: unknown };
  if (typeof schema !== 'string') {
    throw new DecodeError('BAD_REGISTRY_ANSWER', `registry answer for schema ${schemaId} has no schema text: ${snippet(body)}`, true);
  }
  if (schemaType !== undefined && schemaType !== null && String(schemaType).toUpperCase() !== 'AVRO') {
    throw new DecodeError('NOT_AVRO_SCHEMA', `schema ${schemaId} is a ${String(schemaType)} schema, not Avro`);
  }
  try {
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  } catch (err) {
    throw new DecodeError('BAD_SCHEMA', `schema ${schemaId} is not a valid Avro schema: ${(err as Error).message.slice(0, 200)}`);
  }
}

/** Whether a look-up failure is worth another HTTP attempt inside one decode. */
export const isBadAnswer = (err: unknown): boolean => err instanceof DecodeError && err.code === 'BAD_REGISTRY_ANSWER';

const snippet = (text: string) => JSON.stringify(text.slice(0, 80));
