import type { DecodeFailure, EncodeFailure } from '@tierflow/contracts/errors/error-codes';
import { TierflowError, BadInputError } from '@tierflow/contracts/errors/tierflow-error';

export type { DecodeFailure, EncodeFailure };

/**
 * Why a record could not be decoded (the codes: DecodeFailure). Non-retriable ones are bad
 * input (dead-lettered); REGISTRY_UNAVAILABLE is transient (retried, never dead-lettered).
 */
export class DecodeError extends TierflowError<DecodeFailure> {
  constructor(code: DecodeFailure, message: string, retriable = code === 'REGISTRY_UNAVAILABLE') {
    super(retriable ? 'transient' : 'bad-input', code, message, retriable);
    this.name = 'DecodeError';
  }
}

/** Why a value could not be encoded with its schema. Never retriable: the value is wrong. */
export class EncodeError extends BadInputError<EncodeFailure> {
  constructor(
    code: EncodeFailure,
    message: string,
    /** the field path of the first bad value, e.g. `watermark` or `explanation.figures` */
    readonly path: string | null = null,
  ) {
    super(code, message);
    this.name = 'EncodeError';
  }
}
