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

/** Builds a CustomerAggregate from a script row (customerId, then AGGREGATE_FIELDS) or a hash read. */
export function aggregateFromValues(
  customerId: string,
  values: ReadonlyArray<string | null>,
  ctx: { currency: string; currentWindowDays: number; rankingWindowDays: number },
): CustomerAggregate {
  const out = { customerId, currency: ctx.currency, currentWindowDays: ctx.currentWindowDays, rankingWindowDays: ctx.rankingWindowDays } as CustomerAggregate;
  AGGREGATE_FIELDS.forEach((f, i) => {
    out[f] = Number(values[i] ?? 0);
  });
  out.eventId = `${customerId}:${out.seq}`;
  return out;
}
