import type { Redis } from 'ioredis';
import { profileKey, profileKeyPrefix } from './profile-keys';

/**
 * Readers of the customer profile hashes (profile-keys.ts). Written only by
 * services/aggregator (its profile consumer); read by shared/views (the card, the top list,
 * the portfolio lists) through these functions. Read-only.
 */

/** One customer's profile fields as stored (strings), or null when no profile was received. */
export async function readProfile(redis: Redis, prefix: string, customerId: string): Promise<Record<string, string> | null> {
  const profile = await redis.hgetall(profileKey(prefix, customerId));
  return Object.keys(profile).length > 0 ? profile : null;
}

/**
 * The given fields of many customers' profiles, in one pipeline: per customer (in order) the
 * values in the order of `fields` (null for an absent field), or undefined when its read failed.
 */
export async function readProfileFields(
  redis: Redis,
  prefix: string,
  customerIds: readonly string[],
  fields: readonly string[],
): Promise<Array<Array<string | null> | undefined>> {
  const pipe = redis.pipeline();
  for (const id of customerIds) pipe.hmget(profileKey(prefix, id), ...fields);
  const res = (await pipe.exec()) ?? [];
  return customerIds.map((_, i) => (res[i]?.[1] as Array<string | null> | undefined) ?? undefined);
}

const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * The ids of the customers with a profile, by SCAN in pages of about `count` keys: `visit` is
 * called with each id, and after each page `more()` says whether to go on.
 */
export async function scanProfileIds(
  redis: Redis,
  prefix: string,
  count: number,
  visit: (customerId: string) => void,
  more: () => boolean = () => true,
): Promise<void> {
  const keyPrefix = profileKeyPrefix(prefix);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(keyPrefix)}*`, 'COUNT', count);
    cursor = next;
    for (const k of keys) visit(k.slice(keyPrefix.length));
    if (!more()) break;
  } while (cursor !== '0');
}
