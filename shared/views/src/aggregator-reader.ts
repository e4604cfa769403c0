import type { Redis } from '@tierflow/runtime/redis/redis-client';
import type { AggregateContext } from '@tierflow/contracts/keyspace/aggregator/aggregate-row';
import { readAggregates as readPackedAggregates, readCustomerRecord } from '@tierflow/contracts/keyspace/aggregator/customer-reader';
import { readProfile } from '@tierflow/contracts/keyspace/profiles/profile-reader';

/** What the aggregator keeps about one customer, as the card needs it. */
export interface AggregatorRecord {
  /** the CustomerAggregate fields by their Avro names, or null when the aggregator has none */
  aggregate: Record<string, string | number> | null;
  /** month YYYYMM -> "revenue:profit:count" */
  months: Record<string, string>;
  /** the CustomerProfile fields present, or null when no profile was received */
  profile: Record<string, string> | null;
}

export interface AggregatorReadParams {
  redis: Redis;
  prefix: string;
  partitions: number;
  /** currency and window lengths of the deployment (the aggregator's REPORTING_CURRENCY, CURRENT_/RANKING_WINDOW_DAYS) */
  ctx: AggregateContext;
}

/**
 * One customer's aggregate and monthly trend, through the aggregator's own reader
 * (shared/contracts/src/keyspace/aggregator/customer-reader.ts), and its profile hash.
 */
export async function readAggregatorRecord(params: AggregatorReadParams & { customerId: string }): Promise<AggregatorRecord> {
  const [rec, profile] = await Promise.all([
    readCustomerRecord(params.redis, { prefix: params.prefix, partitions: params.partitions, customerId: params.customerId, ctx: params.ctx }),
    readProfile(params.redis, params.prefix, params.customerId),
  ]);
  const months: Record<string, string> = {};
  for (const m of rec?.months ?? []) months[m.month] = `${m.revenueMinor}:${m.profitMinor}:${m.count}`;
  return {
    aggregate: rec ? { ...rec.aggregate } : null,
    months,
    profile,
  };
}

/** Many customers' aggregates (for tables): customerId -> fields, missing customers absent. */
export async function readAggregates(params: AggregatorReadParams & { customerIds: readonly string[] }): Promise<Map<string, Record<string, string | number>>> {
  if (params.customerIds.length === 0) return new Map();
  const found = await readPackedAggregates(params.redis, { prefix: params.prefix, partitions: params.partitions, customerIds: [...params.customerIds], ctx: params.ctx });
  return new Map([...found.entries()].map(([id, a]) => [id, { ...a }]));
}
