import { BadInputError } from '@tierflow/contracts/errors/tierflow-error';
import type { KafkaMessage } from 'kafkajs';
import type { ChurnRecord, TierRecord } from '@tierflow/domain/churn/batch-planner';
import type { AggregateFigures } from '@tierflow/contracts/keyspace/churn-watch/churn-state';
import { asTier } from '@tierflow/contracts/tier';

/** A record churn-watch cannot use: goes to the dead-letter topic with this code and reason. */
export class InputError extends BadInputError<'BAD_AGGREGATE' | 'BAD_TIER_CHANGE'> {
  constructor(code: 'BAD_AGGREGATE' | 'BAD_TIER_CHANGE', message: string) {
    super(code, message);
    this.name = 'InputError';
  }
}

const num = (v: unknown, field: string, code: InputError['code']): number => {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InputError(code, `field ${field} is not a number`);
  return n;
};
const str = (v: unknown, field: string, code: InputError['code']): string => {
  if (typeof v !== 'string' || v.length === 0) throw new InputError(code, `field ${field} is missing`);
  return v;
};

/** A decoded CustomerAggregate value -> the figures churn-watch keeps. */
export function aggregateRecord(value: Record<string, unknown>): ChurnRecord {
  const c = 'BAD_AGGREGATE';
  const agg: AggregateFigures = {
    seq: num(value.seq, 'seq', c),
    watermark: num(value.watermark, 'watermark', c),
    revenueMinor: num(value.revenueMinor, 'revenueMinor', c),
    profitMinor: num(value.profitMinor, 'profitMinor', c),
    txCount: num(value.txCount, 'txCount', c),
    firstActivityAt: num(value.firstActivityAt, 'firstActivityAt', c),
    lastActivityAt: num(value.lastActivityAt, 'lastActivityAt', c),
    currentRevenueMinor: num(value.currentRevenueMinor, 'currentRevenueMinor', c),
    previousRevenueMinor: num(value.previousRevenueMinor, 'previousRevenueMinor', c),
    currentCount: num(value.currentCount, 'currentCount', c),
    previousCount: num(value.previousCount, 'previousCount', c),
  };
  return { kind: 'aggregate', customerId: str(value.customerId, 'customerId', c), eventId: str(value.eventId, 'eventId', c), agg };
}

/** A decoded TierChange value -> a record, or null for a scope other than global. */
export function tierChangeRecord(value: Record<string, unknown>): ChurnRecord | null {
  const c = 'BAD_TIER_CHANGE';
  if (str(value.scope, 'scope', c) !== 'global') return null;
  const tier = (field: 'fromTier' | 'toTier') => {
    const t = str(value[field], field, c);
    if (t !== 'A' && t !== 'B' && t !== 'C') throw new InputError(c, `field ${field} is ${t}, expected A, B or C`);
    return asTier(t);
  };
  return {
    kind: 'tier',
    customerId: str(value.customerId, 'customerId', c),
    eventId: str(value.eventId, 'eventId', c),
    fromTier: tier('fromTier'),
    toTier: tier('toTier'),
    cause: causeOf(value),
    causeOffset: offsetOf(value.causeOffset),
  };
}

/**
 * The aggregate that caused a tier change: causeCustomerId and the seq at the end of
 * causeEventId (`<customerId>:<seq>`); null when the record does not say.
 */
export function causeOf(value: Record<string, unknown>): TierRecord['cause'] {
  const customerId = value.causeCustomerId;
  const eventId = value.causeEventId;
  if (typeof customerId !== 'string' || typeof eventId !== 'string') return null;
  const seq = Number(eventId.slice(eventId.lastIndexOf(':') + 1));
  return Number.isSafeInteger(seq) && eventId.startsWith(`${customerId}:`) ? { customerId, seq } : null;
}

/** TierChange.causeOffset, or null when the record has none (a ranker of an earlier version). */
function offsetOf(v: unknown): number | null {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (n === null || n === undefined) return null;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new InputError('BAD_TIER_CHANGE', `field causeOffset is ${String(v)}, expected an offset`);
  return n;
}

/** The message's key as text, for logs. */
export const messageKey = (m: KafkaMessage) => m.key?.toString() ?? '';
