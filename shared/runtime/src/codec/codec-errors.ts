/**
 * Why a record could not be decoded. Non-retriable reasons send the record to a dead-letter
 * topic; REGISTRY_UNAVAILABLE (the registry cannot be reached, or answers 5xx/429) is retried
 * and never dead-lettered. See docs/decisions.md ("Poison records").
 */
export type DecodeFailure =
  | 'EMPTY_VALUE'
  | 'TOO_SHORT'
  | 'BAD_MAGIC_BYTE'
  | 'UNKNOWN_SCHEMA_ID'
  /** the id resolves to a schema that is not Avro (JSON Schema, PROTOBUF) */
  | 'NOT_AVRO_SCHEMA'
  /** the id resolves to text avsc cannot parse as an Avro schema */
  | 'BAD_SCHEMA'
  /** the registry's answer is not the JSON it should be (an HTML page from a proxy, say), after bounded retries */
  | 'BAD_REGISTRY_ANSWER'
  | 'BAD_PAYLOAD'
  | 'REGISTRY_UNAVAILABLE';

export class DecodeError extends Error {
  constructor(
    readonly code: DecodeFailure,
    message: string,
    readonly retriable = code === 'REGISTRY_UNAVAILABLE',
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Why a value could not be encoded with its schema. Never retriable: the value is wrong. */
export type EncodeFailure =
  /** a fractional number where the schema has an int or a long */
  | 'NOT_AN_INTEGER'
  /** an int outside 32 bits, a long beyond 2^53, a non-finite float */
  | 'OUT_OF_RANGE'
  /** any other mismatch: a missing field, a wrong type, an unknown enum symbol */
  | 'SCHEMA_MISMATCH'
  /** the schema id is not registered through this codec (a programming error) */
  | 'UNKNOWN_SCHEMA';

export class EncodeError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: EncodeFailure,
    message: string,
    /** the field path of the first bad value, e.g. `watermark` or `explanation.figures` */
    readonly path: string | null = null,
  ) {
    super(message);
    this.name = 'EncodeError';
  }
}
