import type { Redis } from 'ioredis';
import type { CustomerProfile } from '@tierflow/shared/event-types';
import { profileKey } from './aggregator-keys';

/** Replaces the stored profile (absent fields are left out of the hash), atomically. */
export async function storeProfile(redis: Redis, prefix: string, profile: CustomerProfile): Promise<void> {
  const key = profileKey(prefix, profile.customerId);
  const fields: string[] = [];
  for (const [k, v] of Object.entries(profile)) if (v !== null && v !== undefined) fields.push(k, String(v));
  await redis.multi().del(key).hset(key, ...fields).exec();
}

/** A tombstone on customer.profiles removes the profile. */
export async function removeProfile(redis: Redis, prefix: string, customerId: string): Promise<void> {
  await redis.del(profileKey(prefix, customerId));
}
