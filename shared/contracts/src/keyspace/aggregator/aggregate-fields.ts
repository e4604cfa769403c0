/** The per-customer numeric fields the apply script maintains, in the order it returns them. */
export const AGGREGATE_FIELDS = [
  'seq', 'eventTime', 'watermark', 'revenueMinor', 'costMinor', 'profitMinor', 'txCount', 'paymentCount',
  'balanceMinor', 'firstActivityAt', 'lastActivityAt', 'currentRevenueMinor', 'currentProfitMinor', 'currentCount',
  'previousRevenueMinor', 'previousProfitMinor', 'previousCount', 'rankingRevenueMinor', 'rankingProfitMinor',
  'rankingCount',
] as const;

export type AggregateField = (typeof AGGREGATE_FIELDS)[number];
