import type { Redis } from 'ioredis';
import { defineScript } from '@tierflow/runtime/redis/scripts';
import type { CustomerProfile } from '@tierflow/contracts/events/event-types';
import { regionUnderPolicy, UNASSIGNED_REGION, type RegionPolicy } from '@tierflow/contracts/validation/region';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';

const claimScript = defineScript({ name: 'tfClaimRegion', file: new URL('./lua/claim-region.lua', import.meta.url), keys: 1 });

/** The set of region names that hold one of MAX_REGIONS slots. */
export const regionsKey = (prefix: string) => `${prefix}regions`;

/** Replaces the stored profile (absent fields are left out of the hash), atomically. */
export async function storeProfile(redis: Redis, prefix: string, profile: CustomerProfile): Promise<void> {
  const key = profileKey(prefix, profile.customerId);
  const fields: string[] = [];
  for (const [k, v] of Object.entries(profile)) if (v !== null && v !== undefined) fields.push(k, String(v));
  await redis.multi().del(key).hset(key, ...fields).exec();
}

/**
 * The region a (validated) profile is stored with under the policy: a listed name, a name that
 * holds (or now takes) one of the cap's slots, else `unassigned`. Empty stays empty.
 */
export async function regionToStore(redis: Redis, prefix: string, region: string | null, policy: RegionPolicy): Promise<string | null> {
  if (region === null || region === '') return region;
  const verdict = regionUnderPolicy(region, policy);
  if (verdict !== 'needs-slot') return verdict;
  const max = policy.kind === 'cap' ? policy.maxRegions : 0;
  return (await claimScript.run<number>(redis, [regionsKey(prefix)], [region, max])) === 1 ? region : UNASSIGNED_REGION;
}

/** A tombstone on customer.profiles removes the profile. */
export async function removeProfile(redis: Redis, prefix: string, customerId: string): Promise<void> {
  await redis.del(profileKey(prefix, customerId));
}
