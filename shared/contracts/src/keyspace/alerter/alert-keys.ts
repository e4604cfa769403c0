/** The alerter's Redis keys; all share the hash tag {al}. `prefix` is REDIS_KEY_PREFIX. */
export function alertKeys(prefix: string) {
  const base = `${prefix}{al}:`;
  return {
    offsets: `${base}offsets`,
    queue: `${base}queue`,
    dead: `${base}dead`,
    stats: `${base}stats`,
    lease: `${base}lease`,
    /** string, with a TTL: an alert (by alertId, or a de-duplication key without a period) was queued */
    seen: (alertId: string) => `${base}seen:${alertId}`,
    /**
     * hash, with a TTL renewed by each new field: the `customer|kind` fields of one period's
     * alerts already queued, for the customers of one bucket (seen-bucket.ts): small hashes
     * (listpack) instead of a key per alert
     */
    seenPeriod: (period: string, bucket: number) => `${base}seen:${period}:${bucket}`,
  };
}

export type AlertKeys = ReturnType<typeof alertKeys>;
