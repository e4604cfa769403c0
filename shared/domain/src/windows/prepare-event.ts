import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { transactionFingerprint } from '@tierflow/contracts/keyspace/aggregator/transaction-fingerprint';
import type { PreparedEvent } from './batch-plan';
import { dayNumber, monthKey, transactionEffect } from './transaction-effect';

/** A transaction as the planner reads it (batch-plan.ts): its offset, ids, day, month and effect. Pure. */
export function prepareEvent(offset: string, event: TransactionEvent): PreparedEvent {
  const fx = transactionEffect(event);
  return {
    off: Number(offset), tx: event.transactionId, fp: transactionFingerprint(event), id: event.customerId, at: event.occurredAt,
    day: dayNumber(event.occurredAt), month: monthKey(event.occurredAt), rev: fx.revenueDelta, cost: fx.costDelta, bal: fx.balanceDelta,
    kind: fx.kindCode,
  };
}
