import { parseState } from './aggregate-state';
/** The per-customer numeric fields the apply script maintains, in the order it returns them. */
export const AGGREGATE_FIELDS = [
  'seq', 'eventTime', 'watermark', 'revenueMinor', 'costMinor', 'profitMinor', 'txCount', 'paymentCount',
  'balanceMinor', 'firstActivityAt', 'lastActivityAt', 'currentRevenueMinor', 'currentProfitMinor', 'currentCount',
  'previousRevenueMinor', 'previousProfitMinor', 'previousCount', 'rankingRevenueMinor', 'rankingProfitMinor',
  'rankingCount',
] as const;

export type AggregateField = (typeof AGGREGATE_FIELDS)[number];

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
  return {
    ...state, customerId, currency: ctx.currency, currentWindowDays: ctx.currentWindowDays, rankingWindowDays: ctx.rankingWindowDays,
    eventId: `${customerId}:${state.seq}`,
  };
}
