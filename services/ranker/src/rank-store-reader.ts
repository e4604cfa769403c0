import type { ScopeSummary } from './scope-ranking';
import type { Redis } from 'ioredis';
import { rankKeys } from './rank-store-keys';
import { decodeStoredTierChange } from './stored-tier-change';
import type { TierChange } from './tier-change';
import type { Tier } from './tier-rules';

/**
 * Small readers of the ranker's Redis keys, for the API and dashboard. `scope` is `global` or
 * `region:<name>`. Ranks are 1-based. Read-only; no state of their own.
 */

export interface CustomerRank {
  customerId: string;
  scope: string;
  rank: number;
  population: number;
  basisMinor: number;
  raw: Tier;
  published: Tier;
  publishedSince: number | null;
}

/** The stored summary of a scope: the engine's ScopeSummary plus the rules and position it was written under. */
export interface SummaryView extends ScopeSummary {
  tierMode: string;
  thresholdA: number;
  thresholdB: number;
  hysteresisMargin: number;
  minDwellMs: number;
  configVersion: string;
  offset: number;
  eventTime: number;
}

const TEXT_FIELDS = new Set(['scope', 'tierMode', 'configVersion']);

interface TierValue {
  raw: Tier;
  published: Tier;
  publishedSince: number | null;
  basis: number;
}

export async function readScopes(redis: Redis, prefix: string): Promise<string[]> {
  return (await redis.smembers(rankKeys(prefix).scopes)).sort();
}

export async function readSummary(redis: Redis, prefix: string, scope: string): Promise<SummaryView | null> {
  const h = await redis.hgetall(rankKeys(prefix).summary(scope));
  if (Object.keys(h).length === 0) return null;
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(h)) out[k] = TEXT_FIELDS.has(k) ? v : v === '' ? null : Number(v);
  return out as unknown as SummaryView;
}

export async function readCustomerRank(
  redis: Redis,
  prefix: string,
  scope: string,
  customerId: string,
): Promise<CustomerRank | null> {
  const k = rankKeys(prefix);
  const [[, rank], [, population], [, tier]] = (await redis
    .multi()
    .zrank(k.rank(scope), customerId)
    .zcard(k.rank(scope))
    .hget(k.tier(scope), customerId)
    .exec()) as [[unknown, number | null], [unknown, number], [unknown, string | null]];
  if (rank === null || tier === null) return null;
  const t = JSON.parse(tier) as TierValue;
  return {
    customerId,
    scope,
    rank: rank + 1,
    population,
    basisMinor: t.basis,
    raw: t.raw,
    published: t.published,
    publishedSince: t.publishedSince,
  };
}

/** The first n customers of a scope by rank, with their tiers. */
export async function readTop(redis: Redis, prefix: string, scope: string, n: number): Promise<CustomerRank[]> {
  const k = rankKeys(prefix);
  if (n <= 0) return [];
  const ids = await redis.zrange(k.rank(scope), 0, n - 1);
  if (ids.length === 0) return [];
  const [tiers, population] = await Promise.all([redis.hmget(k.tier(scope), ...ids), redis.zcard(k.rank(scope))]);
  return ids.map((customerId, i) => {
    const t = JSON.parse(tiers[i] ?? 'null') as TierValue | null;
    return {
      customerId,
      scope,
      rank: i + 1,
      population,
      basisMinor: t?.basis ?? 0,
      raw: t?.raw ?? 'C',
      published: t?.published ?? 'C',
      publishedSince: t?.publishedSince ?? null,
    };
  });
}

/** A customer's tier changes in a scope, newest first. */
export async function readTierHistory(
  redis: Redis,
  prefix: string,
  scope: string,
  customerId: string,
  limit = 50,
): Promise<TierChange[]> {
  const items = await redis.lrange(rankKeys(prefix).history(scope, customerId), 0, limit - 1);
  return items.map(decodeStoredTierChange);
}

/** The latest tier changes of a scope, newest first. */
export async function readRecentChanges(redis: Redis, prefix: string, scope: string, limit = 100): Promise<TierChange[]> {
  const items = await redis.lrange(rankKeys(prefix).recent(scope), 0, limit - 1);
  return items.map(decodeStoredTierChange);
}
