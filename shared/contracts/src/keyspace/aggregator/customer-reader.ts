import type { Redis } from 'ioredis';
import { aggregateFromPacked, type AggregateContext, type CustomerAggregate } from './aggregate-row';
import { customerKey } from './aggregator-keys';

/**
 * Readers of the aggregator's per-customer hashes (aggregator-keys.ts customerKey). Written only
 * by services/aggregator (its apply script); read by shared/views (the card, the lists), the
 * CLI and the test kit. Read-only.
 */

export interface MonthTotals {
  month: string;
  revenueMinor: number;
  profitMinor: number;
  count: number;
}

export interface CustomerRecord {
  aggregate: CustomerAggregate;
  /** lifetime monthly trend, oldest first */
  months: MonthTotals[];
}

/**
 * Reads one customer's aggregate and monthly trend as the aggregator keeps them (for the
 * dashboard, the CLI and tests). `partitions` is the transactions topic's partition count.
 * Null when the customer has no state.
 */
export async function readCustomerRecord(
  redis: Redis,
  p: { prefix: string; partitions: number; customerId: string; ctx: AggregateContext },
): Promise<CustomerRecord | null> {
  const hash = await redis.hgetall(customerKey(p.prefix, p.customerId, p.partitions));
  if (!hash.s) return null;
  const months: MonthTotals[] = Object.entries(hash)
    .filter(([k]) => k.startsWith('m:'))
    .map(([k, v]) => {
      const [rev, prof, cnt] = v.split(':').map(Number);
      return { month: k.slice(2), revenueMinor: rev!, profitMinor: prof!, count: cnt! };
    })
    .sort((a, b) => a.month.localeCompare(b.month));
  return { aggregate: aggregateFromPacked(p.customerId, hash.s, p.ctx), months };
}

/** Many customers' aggregates in one round trip (missing customers are left out). */
export async function readAggregates(
  redis: Redis,
  p: { prefix: string; partitions: number; customerIds: string[]; ctx: AggregateContext },
): Promise<Map<string, CustomerAggregate>> {
  const pipeline = redis.pipeline();
  for (const id of p.customerIds) pipeline.hget(customerKey(p.prefix, id, p.partitions), 's');
  const results = (await pipeline.exec()) ?? [];
  const out = new Map<string, CustomerAggregate>();
  p.customerIds.forEach((id, i) => {
    const packed = results[i]?.[1] as string | null;
    if (packed) out.set(id, aggregateFromPacked(id, packed, p.ctx));
  });
  return out;
}
