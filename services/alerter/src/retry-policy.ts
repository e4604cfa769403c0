import { TierflowError } from '@tierflow/contracts/errors/tierflow-error';

/** Exponential backoff: base x 2^(attempt-1), capped. attempt counts from 1 (the first retry). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Why a delivery failed, and whether trying again can help. */
export class DeliveryError extends TierflowError<'HTTP_STATUS' | 'NETWORK' | 'TIMEOUT' | 'REDIRECT'> {
  constructor(
    code: 'HTTP_STATUS' | 'NETWORK' | 'TIMEOUT' | 'REDIRECT',
    message: string,
    retriable: boolean,
    readonly status: number | null = null,
  ) {
    // a retriable failure is the receiver's outage; a non-retriable one is the request's fault
    super(retriable ? 'transient' : 'bad-input', code, message, retriable);
    this.name = 'DeliveryError';
  }
}

/** 408, 429 and 5xx are worth retrying; other 4xx are the request's fault. */
export function statusRetriable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
