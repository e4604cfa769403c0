import { partitionOfKey } from '../key-partition';

/**
 * churn-watch's Redis keys. All share the hash tag {cw} so the batch script stays in one
 * cluster slot. `prefix` is REDIS_KEY_PREFIX (default tf:).
 */
export function churnKeys(prefix: string) {
  const base = `${prefix}{cw}:`;
  return {
    offsets: `${base}offsets`,
    state: `${base}state`,
    /** hash of earlier builds: every customer's version in one hash (no longer written) */
    version: `${base}ver`,
    /** the start of the version hashes' keys (versionKey below) */
    versionBase: `${base}ver:`,
    timers: `${base}timers`,
    meta: `${base}meta`,
    outbox: `${base}outbox`,
    recent: `${base}recent`,
    staged: `${base}staged`,
  };
}

export type ChurnKeys = ReturnType<typeof churnKeys>;

export const offsetField = (topic: string, partition: number) => `${topic}:${partition}`;

/** Buckets of the version hashes: under 128 fields each (Redis's listpack limit) up to ~120,000 customers. */
export const VERSION_BUCKETS = 2048;

/**
 * hash `<prefix>{cw}:ver:<bucket>`: the versions (compare-and-set guards) of the customers of
 * one bucket (murmur2(customerId) mod VERSION_BUCKETS), fields `<customerId>` and
 * `staged:<customerId>`: small hashes (listpack) instead of one hashtable-encoded hash of every
 * customer.
 */
export const versionKey = (keys: ChurnKeys, customerId: string) => `${keys.versionBase}${partitionOfKey(customerId, VERSION_BUCKETS)}`;
