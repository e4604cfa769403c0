import { BadInputError } from '@tierflow/contracts/errors/tierflow-error';

/** A mistake in how the CLI was called: printed with the usage, exit code 2. */
export class UsageError extends BadInputError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}
