import { FatalError } from '@tierflow/contracts/errors/tierflow-error';
/** The rank index's error (see rank-index.ts): a bad call, never retriable. */
export class RankIndexError extends FatalError<'NOT_FOUND' | 'OUT_OF_RANGE' | 'BAD_INPUT'> {
  constructor(code: 'NOT_FOUND' | 'OUT_OF_RANGE' | 'BAD_INPUT', message: string) {
    super(code, message);
    this.name = 'RankIndexError';
  }
}
