import { TierflowError } from '@tierflow/contracts/errors/tierflow-error';

/** What a consumer does with an error: try the batch again, dead-letter the record, or crash. */
export type Disposition = 'retry' | 'dead-letter' | 'crash';

/** Errors kafkajs's retrier never retries, whatever they say (kafkajs src/retry/index.js). */
const UNRECOVERABLE = new Set(['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError']);

/**
 * The one table deciding what an error means for the record or batch that raised it. The rows,
 * first match wins:
 *
 * | error                                   | disposition  |
 * |-----------------------------------------|--------------|
 * | `retriable: true` (any error)           | retry        |
 * | a TierflowError of kind `bad-input`     | dead-letter  |
 * | `retriable: false` (any other error)    | crash        |
 * | TypeError, RangeError, ReferenceError, SyntaxError | crash |
 * | anything else (no `retriable`)          | retry        |
 *
 * `retry` and `crash` are what kafkajs does when the error is thrown out of a batch handler (see
 * the TierflowError doc), so a handler throws every error that is not `dead-letter`.
 */
export function dispositionOf(err: unknown): Disposition {
  const e = err as { retriable?: unknown; name?: unknown } | null | undefined;
  if (e?.retriable === true) return 'retry';
  if (err instanceof TierflowError && err.kind === 'bad-input') return 'dead-letter';
  if (e?.retriable === false) return 'crash';
  if (typeof e?.name === 'string' && UNRECOVERABLE.has(e.name)) return 'crash';
  return 'retry';
}

/**
 * The table for an error raised while reading one input record (decoding it, checking it) in
 * churn-watch, the alerter, the ranker and the dashboard's feed: everything that is not `retry`
 * is the record's fault and dead-letters it, so one unreadable record never stops a partition.
 */
export function inputDispositionOf(err: unknown): Exclude<Disposition, 'crash'> {
  return (err as { retriable?: unknown } | null | undefined)?.retriable === true ? 'retry' : 'dead-letter';
}
