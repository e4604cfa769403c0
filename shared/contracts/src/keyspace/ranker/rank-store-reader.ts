import type { Redis } from 'ioredis';
import { decodeSnapshot } from './customer-record';
import { rankKeys } from './rank-store-keys';
import type { ScopeSummary } from './scope-summary';
import { GLOBAL_SCOPE, regionScopeName, UNASSIGNED_REGION } from '../../scopes/scope';
import { decodeStoredTierChange } from './stored-tier-change';
import { readStoredTierContext } from './stored-tier-context';
import type { TierChange } from '../../events/event-types';
import { TIERS, type Tier } from '../../tier';

/**
 * Small readers of the ranker's Redis keys (rank-store-keys.ts). Written only by
 * services/ranker (its commit script); read by shared/views (the dashboard's ranker view, the
 * portfolio lists), the CLI and the tests. `scope` is `global` or `region:<name>`. Ranks are
 * 1-based. Read-only; no state of their own.
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

/** A customer's tiers in one scope, as the ranker stored them. */
export interface ScopeTier {
  raw: Tier;
  published: Tier;
  publishedSince: number | null;
  basisMinor: number;
}

/**
 * The customer's tiers in `scope` from its record in the customers hash (engine-snapshot.ts),
 * or null when the record is missing or the customer is not in that scope (another region).
 */
export function scopeTierOf(scope: string, customerId: string, record: string | null | undefined): ScopeTier | null {
  if (record === null || record === undefined) return null;
  const s = decodeSnapshot(customerId, record);
  let slot: 0 | 1 = 0;
  if (scope !== GLOBAL_SCOPE) {
    if (scope !== regionScopeName(s.region ?? UNASSIGNED_REGION)) return null;
    slot = 1;
  }
  const [raw, published, since] = s.tiers[slot];
  return { raw: TIERS[raw], published: TIERS[published], publishedSince: Number.isFinite(since) ? since : null, basisMinor: s.basis };
}

/**
 * Every customer record (customers hash: customerId -> record, customer-record.ts) by HSCAN in
 * pages of about `count` fields: `visit` is called with each, and after each page `more()` says
 * whether to go on. HSCAN may return a field twice.
 */
export async function scanCustomerRecords(
  redis: Redis,
  prefix: string,
  count: number,
  visit: (customerId: string, record: string) => void,
  more: () => boolean = () => true,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(rankKeys(prefix).customers, cursor, 'COUNT', count);
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2) visit(flat[i] as string, flat[i + 1] as string);
    if (!more()) break;
  } while (cursor !== '0');
}

/** Every member's tiers in a scope (customerId -> tiers), read with HSCAN: for tests and exports. */
export async function readScopeTiers(redis: Redis, prefix: string, scope: string): Promise<Map<string, ScopeTier>> {
  const out = new Map<string, ScopeTier>();
  await scanCustomerRecords(redis, prefix, 10_000, (customerId, record) => {
    const t = scopeTierOf(scope, customerId, record);
    if (t) out.set(customerId, t);
  });
  return out;
}

/**
 * The ranker's applied offsets of one topic (offsets hash, fields `<topic>:<partition>`):
 * partition -> last applied offset, for the partitions it has applied.
 */
export async function readRankerOffsets(redis: Redis, prefix: string, topic: string): Promise<Map<number, bigint>> {
  const stored = await redis.hgetall(rankKeys(prefix).offsets);
  const out = new Map<number, bigint>();
  for (const [field, v] of Object.entries(stored)) {
    if (field.startsWith(`${topic}:`) && /^\d+$/.test(field.slice(topic.length + 1))) out.set(Number(field.slice(topic.length + 1)), BigInt(v));
  }
  return out;
}

/** The ids of a scope's members in rank order (best first). */
export async function readRankOrder(redis: Redis, prefix: string, scope: string): Promise<string[]> {
  return redis.zrange(rankKeys(prefix).rank(scope), 0, -1);
}

/**
 * The basis of the first `n` ranks of a scope (all ranks when n is omitted), best first, from
 * the scope's sorted set (score = -basis).
 */
export async function readRankBases(redis: Redis, prefix: string, scope: string, n?: number): Promise<number[]> {
  if (n !== undefined && n <= 0) return [];
  const flat = await redis.zrange(rankKeys(prefix).rank(scope), 0, n === undefined ? -1 : n - 1, 'WITHSCORES');
  const out: number[] = [];
  for (let i = 1; i < flat.length; i += 2) out.push(-Number(flat[i]));
  return out;
}

/** The ranking basis named in the ranker's stored config (meta hash, field config), or null. */
export async function readRankingBasis(redis: Redis, prefix: string): Promise<string | null> {
  const raw = await redis.hget(rankKeys(prefix).meta, 'config');
  if (!raw) return null;
  try {
    const c = JSON.parse(raw) as { basis?: unknown };
    return typeof c.basis === 'string' ? c.basis : null;
  } catch {
    return null;
  }
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
  const [[, rank], [, population], [, record]] = (await redis
    .multi()
    .zrank(k.rank(scope), customerId)
    .zcard(k.rank(scope))
    .hget(k.customers, customerId)
    .exec()) as [[unknown, number | null], [unknown, number], [unknown, string | null]];
  const t = scopeTierOf(scope, customerId, record);
  if (rank === null || t === null) return null;
  return { customerId, scope, rank: rank + 1, population, ...t };
}

/** The first n customers of a scope by rank, with their tiers. */
export async function readTop(redis: Redis, prefix: string, scope: string, n: number): Promise<CustomerRank[]> {
  const k = rankKeys(prefix);
  if (n <= 0) return [];
  const ids = await redis.zrange(k.rank(scope), 0, n - 1);
  if (ids.length === 0) return [];
  const [records, population] = await Promise.all([redis.hmget(k.customers, ...ids), redis.zcard(k.rank(scope))]);
  return ids.map((customerId, i) => {
    const t = scopeTierOf(scope, customerId, records[i]);
    return {
      customerId,
      scope,
      rank: i + 1,
      population,
      basisMinor: t?.basisMinor ?? 0,
      raw: t?.raw ?? 'C',
      published: t?.published ?? 'C',
      publishedSince: t?.publishedSince ?? null,
    };
  });
}

/**
 * A customer's tier changes in a scope, newest first: its field of the scope's history hash
 * (one stored change a line), or the list an earlier build kept when the hash has none.
 */
export async function readTierHistory(
  redis: Redis,
  prefix: string,
  scope: string,
  customerId: string,
  limit = 50,
): Promise<TierChange[]> {
  if (limit <= 0) return [];
  const k = rankKeys(prefix);
  const [lines, ctx] = await Promise.all([redis.hget(k.history(scope), customerId), readStoredTierContext(redis, prefix)]);
  const items = lines !== null ? lines.split('\n').slice(0, limit) : await redis.lrange(k.legacyHistory(scope, customerId), 0, limit - 1);
  return items.map((s) => decodeStoredTierChange(s, ctx, { scope, customerId }));
}

/** The latest tier changes of a scope, newest first. */
export async function readRecentChanges(redis: Redis, prefix: string, scope: string, limit = 100): Promise<TierChange[]> {
  const [items, ctx] = await Promise.all([redis.lrange(rankKeys(prefix).recent(scope), 0, limit - 1), readStoredTierContext(redis, prefix)]);
  return items.map((s) => decodeStoredTierChange(s, ctx));
}
