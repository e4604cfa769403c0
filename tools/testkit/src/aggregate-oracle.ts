/**
 * An independent computation of what the aggregator must end with, written plainly from the
 * rules in DESIGN.md (not from the Lua script), for comparing to the real Redis state.
 */
export interface OracleEvent {
  partition: number;
  transactionId: string;
  customerId: string;
  occurredAt: number;
  kind: 'CHARGE' | 'REFUND' | 'ADJUSTMENT' | 'PAYMENT';
  amountMinor: number;
  costMinor: number;
  currency: string;
  product: string | null;
}

export interface OracleCustomer {
  revenueMinor: number;
  costMinor: number;
  profitMinor: number;
  txCount: number;
  paymentCount: number;
  balanceMinor: number;
  firstActivityAt: number;
  lastActivityAt: number;
  currentRevenueMinor: number;
  currentProfitMinor: number;
  currentCount: number;
  previousRevenueMinor: number;
  previousProfitMinor: number;
  previousCount: number;
  rankingRevenueMinor: number;
  rankingProfitMinor: number;
  rankingCount: number;
}

const DAY = 86_400_000;
const content = (e: OracleEvent) => JSON.stringify([e.customerId, e.occurredAt, e.kind, e.amountMinor, e.costMinor, e.currency, e.product]);

/** `events` in per-partition offset order (interleaving across partitions does not matter). */
export function oracleAggregates(
  events: OracleEvent[],
  w: { currentWindowDays: number; rankingWindowDays: number; allowedLatenessMs: number },
): Map<string, OracleCustomer> {
  const seen = new Map<string, string>();
  const maxByPartition = new Map<number, number>();
  const out = new Map<string, OracleCustomer>();
  const buckets = new Map<string, { day: number; rev: number; prof: number; cnt: number; partition: number }[]>();
  for (const e of events) {
    const before = seen.get(e.transactionId);
    if (before !== undefined) continue; // duplicate or conflict: never applied twice
    seen.set(e.transactionId, content(e));
    const max = maxByPartition.get(e.partition) ?? -1;
    const late = max >= 0 && e.occurredAt < max - w.allowedLatenessMs;
    maxByPartition.set(e.partition, Math.max(max, e.occurredAt));
    let rev = 0, cost = 0, bal = 0;
    if (e.kind === 'CHARGE') { rev = e.amountMinor; cost = e.costMinor; bal = e.amountMinor; }
    if (e.kind === 'REFUND') { rev = -e.amountMinor; cost = -e.costMinor; bal = -e.amountMinor; }
    if (e.kind === 'ADJUSTMENT') { rev = e.amountMinor; cost = e.costMinor; bal = e.amountMinor; }
    if (e.kind === 'PAYMENT') bal = -e.amountMinor;
    const cnt = e.kind === 'PAYMENT' ? 0 : 1;
    const c = out.get(e.customerId) ?? {
      revenueMinor: 0, costMinor: 0, profitMinor: 0, txCount: 0, paymentCount: 0, balanceMinor: 0,
      firstActivityAt: e.occurredAt, lastActivityAt: e.occurredAt,
      currentRevenueMinor: 0, currentProfitMinor: 0, currentCount: 0, previousRevenueMinor: 0, previousProfitMinor: 0,
      previousCount: 0, rankingRevenueMinor: 0, rankingProfitMinor: 0, rankingCount: 0,
    };
    c.revenueMinor += rev; c.costMinor += cost; c.profitMinor += rev - cost; c.txCount += cnt;
    c.paymentCount += e.kind === 'PAYMENT' ? 1 : 0; c.balanceMinor += bal;
    c.firstActivityAt = Math.min(c.firstActivityAt, e.occurredAt);
    c.lastActivityAt = Math.max(c.lastActivityAt, e.occurredAt);
    out.set(e.customerId, c);
    if (!late && e.kind !== 'PAYMENT') {
      const list = buckets.get(e.customerId) ?? [];
      list.push({ day: Math.floor(e.occurredAt / DAY), rev, prof: rev - cost, cnt, partition: e.partition });
      buckets.set(e.customerId, list);
    }
  }
  for (const [id, list] of buckets) {
    const c = out.get(id)!;
    for (const b of list) {
      const E = Math.floor(maxByPartition.get(b.partition)! / DAY);
      if (b.day >= E - w.currentWindowDays + 1) { c.currentRevenueMinor += b.rev; c.currentProfitMinor += b.prof; c.currentCount += b.cnt; }
      if (b.day >= E - 2 * w.currentWindowDays + 1 && b.day <= E - w.currentWindowDays) {
        c.previousRevenueMinor += b.rev; c.previousProfitMinor += b.prof; c.previousCount += b.cnt;
      }
      if (b.day >= E - w.rankingWindowDays + 1) { c.rankingRevenueMinor += b.rev; c.rankingProfitMinor += b.prof; c.rankingCount += b.cnt; }
    }
  }
  return out;
}
