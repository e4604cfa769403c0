import { FatalError } from '@tierflow/contracts/errors/tierflow-error';

/**
 * The CLI's exit codes, so a script can tell what went wrong:
 * 0 done, 1 an unexpected failure, 2 a usage or configuration mistake, 3 a thing asked for does
 * not exist (customer, scope, topic, account manager), 4 a server cannot be reached, 5 there is
 * no data yet (the ranker has not ranked anything).
 */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, NOT_FOUND: 3, UNAVAILABLE: 4, NO_DATA: 5 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI explains in one line and maps to its exit code. */
export class CliError extends FatalError<'CLI_FAILURE'> {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super('CLI_FAILURE', message);
    this.name = 'CliError';
  }
}

const UNREACHABLE = /ECONNREFUSED|max retries per request|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Connection is closed|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|Failed to connect|fetch failed/;

/** Whether an error means a server could not be reached (exit 4) rather than a bug (exit 1). */
export function isUnreachable(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string; cause?: unknown };
  return UNREACHABLE.test(`${e?.name ?? ''} ${e?.code ?? ''} ${e?.message ?? ''}`) || (e?.cause !== undefined && e.cause !== err && isUnreachable(e.cause));
}
