/** Why a record could not be decoded. Non-retriable reasons send the record to a dead-letter topic. */
export type DecodeFailure =
  | 'EMPTY_VALUE'
  | 'TOO_SHORT'
  | 'BAD_MAGIC_BYTE'
  | 'UNKNOWN_SCHEMA_ID'
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
