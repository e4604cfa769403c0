import type { ErrorCode } from './error-codes';

/**
 * What kind of failure an error is, which decides what a consumer does with it (the one table:
 * shared/runtime/src/errors/disposition.ts):
 * - `bad-input`: the record (or request) is wrong and stays wrong: dead-letter it, go on;
 * - `transient`: an outage or a race that trying again can fix: retry;
 * - `fenced`: another writer owns the data: re-read (retriable) or stop;
 * - `fatal`: a bug or a state the process cannot go on from: crash with a clear message;
 * - `config`: a configuration that cannot work: crash at start, naming what to fix.
 */
export type ErrorKind = 'bad-input' | 'transient' | 'fenced' | 'fatal' | 'config';

/**
 * The base of every tierflow error: a `code` (ErrorCode, a closed union; dead-letter codes
 * appear in dead-letter headers, so they are a contract) and `retriable`.
 *
 * `retriable` is not only ours: kafkajs duck-types it. When a handler throws, kafkajs's retrier
 * (kafkajs src/retry/index.js) retries with backoff unless `error.retriable === false` or the
 * error is a TypeError/RangeError/ReferenceError/SyntaxError; an error without the property is
 * retried like a retriable one. When the retries run out it crashes the consumer with
 * KafkaJSNumberOfRetriesExceeded and restarts it; a non-retriable error crashes it as
 * KafkaJSNonRetriableError, and the consumer restarts only if the original cause says
 * `retriable === true` (src/consumer/index.js), so otherwise it stays down (our
 * exitOnFatalCrash then exits the process). So `retriable: true` means "kafkajs may try this
 * batch again", `retriable: false` means "trying again cannot help": set it on every error.
 */
export class TierflowError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: C,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TierflowError';
  }
}

/** A record or request that is wrong and stays wrong: dead-lettered (or refused), never retried. */
export class BadInputError<C extends ErrorCode = ErrorCode> extends TierflowError<C> {
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super('bad-input', code, message, false, options);
    this.name = 'BadInputError';
  }
}

/** An outage or a race that trying again can fix: retried (kafkajs consumes the batch again). */
export class TransientError<C extends ErrorCode = ErrorCode> extends TierflowError<C> {
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super('transient', code, message, true, options);
    this.name = 'TransientError';
  }
}

/** Another writer owns the data: retriable when re-reading can help, otherwise the writer stops. */
export class FencedError<C extends ErrorCode = ErrorCode> extends TierflowError<C> {
  constructor(code: C, message: string, retriable = false, options?: { cause?: unknown }) {
    super('fenced', code, message, retriable, options);
    this.name = 'FencedError';
  }
}

/** A bug or a state the process cannot go on from: never retried; the process crashes. */
export class FatalError<C extends ErrorCode = ErrorCode> extends TierflowError<C> {
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super('fatal', code, message, false, options);
    this.name = 'FatalError';
  }
}

/** A configuration that cannot work: never retried; the service exits at start naming it. */
export class ConfigurationError<C extends ErrorCode = ErrorCode> extends TierflowError<C> {
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super('config', code, message, false, options);
    this.name = 'ConfigurationError';
  }
}

/** Whether a value is a tierflow error (of any kind). */
export function isTierflowError(err: unknown): err is TierflowError {
  return err instanceof TierflowError;
}
