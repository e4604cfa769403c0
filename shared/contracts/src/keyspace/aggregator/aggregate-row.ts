import { parseState } from './aggregate-state';
import { AGGREGATE_FIELDS, type AggregateField } from './aggregate-fields';

export { AGGREGATE_FIELDS, type AggregateField };

/** The CustomerAggregate record (schemas/CustomerAggregate.avsc). */
export type CustomerAggregate = { eventId: string; customerId: string; currency: string; currentWindowDays: number; rankingWindowDays: number } & Record<AggregateField, number>;

export interface AggregateContext {
  currency: string;
  currentWindowDays: number;
  rankingWindowDays: number;
}

/** Builds a CustomerAggregate from the packed state (AGGREGATE_FIELDS joined by ':') the script keeps. */
export function aggregateFromPacked(customerId: string, packed: string, ctx: AggregateContext): CustomerAggregate {
  let state: Record<AggregateField, number>;
  try {
    state = parseState(packed);
  } catch (err) {
    throw new Error(`packed state of ${customerId}: ${(err as Error).message}`);
  }
  return aggregateFromState(customerId, state, ctx);
}

/** Builds a CustomerAggregate from a state object, which it becomes (the fields are added to it). */
export function aggregateFromState(customerId: string, state: Record<AggregateField, number>, ctx: AggregateContext): CustomerAggregate {
  // the record is the parsed state with the other fields added (a spread copy of it cost ~15 µs
  // per aggregate, a tenth of the aggregator's CPU at 5,000 transactions/s)
  const a = state as CustomerAggregate;
  a.customerId = customerId;
  a.currency = ctx.currency;
  a.currentWindowDays = ctx.currentWindowDays;
  a.rankingWindowDays = ctx.rankingWindowDays;
  a.eventId = `${customerId}:${state.seq}`;
  return a;
}
