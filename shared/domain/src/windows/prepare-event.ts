import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { transactionFingerprint } from '@tierflow/contracts/keyspace/aggregator/transaction-fingerprint';
import type { PreparedEvent } from './batch-plan';
import { dayNumber, monthKey, transactionEffect } from './transaction-effect';

/** A day's month and hash field names, made once per day seen (not per transaction). */
interface DayNames {
  month: string;
  monthField: string;
  dayField: string;
}
const namesOfDay = new Map<number, DayNames>();
const MAX_DAYS_NAMED = 4_096;

function dayNames(day: number, at: number): DayNames {
  let n = namesOfDay.get(day);
  if (n === undefined) {
    if (namesOfDay.size >= MAX_DAYS_NAMED) namesOfDay.clear();
    const month = monthKey(at);
    n = { month, monthField: `m:${month}`, dayField: `d:${day}` };
    namesOfDay.set(day, n);
  }
  return n;
}

/** A transaction as the planner reads it (batch-plan.ts): its offset, ids, day, month and effect. Pure. */
export function prepareEvent(offset: string, event: TransactionEvent): PreparedEvent {
  const fx = transactionEffect(event);
  const day = dayNumber(event.occurredAt);
  const names = dayNames(day, event.occurredAt);
  return {
    off: Number(offset), tx: event.transactionId, fp: transactionFingerprint(event), id: event.customerId, at: event.occurredAt,
    day, month: names.month, rev: fx.revenueDelta, cost: fx.costDelta, bal: fx.balanceDelta,
    kind: fx.kindCode, monthField: names.monthField, dayField: names.dayField,
  };
}
