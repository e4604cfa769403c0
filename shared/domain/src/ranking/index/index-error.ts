/** The rank index's error (see rank-index.ts): a bad call, never retriable. */
export class RankIndexError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: 'NOT_FOUND' | 'OUT_OF_RANGE' | 'BAD_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'RankIndexError';
  }
}
