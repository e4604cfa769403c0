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
  const values = packed.split(':');
  if (values.length !== AGGREGATE_FIELDS.length) {
    throw new Error(`packed state of ${customerId} has ${values.length} values, expected ${AGGREGATE_FIELDS.length}`);
  }
  const out = { customerId, currency: ctx.currency, currentWindowDays: ctx.currentWindowDays, rankingWindowDays: ctx.rankingWindowDays } as CustomerAggregate;
  AGGREGATE_FIELDS.forEach((f, i) => {
    out[f] = Number(values[i]);
  });
  out.eventId = `${customerId}:${out.seq}`;
  return out;
}
