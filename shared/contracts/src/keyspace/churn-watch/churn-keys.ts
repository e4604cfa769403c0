/**
 * churn-watch's Redis keys. All share the hash tag {cw} so the batch script stays in one
 * cluster slot. `prefix` is REDIS_KEY_PREFIX (default tf:).
 */
export function churnKeys(prefix: string) {
  const base = `${prefix}{cw}:`;
  return {
    offsets: `${base}offsets`,
    state: `${base}state`,
    version: `${base}ver`,
    timers: `${base}timers`,
    meta: `${base}meta`,
    outbox: `${base}outbox`,
    recent: `${base}recent`,
    staged: `${base}staged`,
  };
}

export type ChurnKeys = ReturnType<typeof churnKeys>;

export const offsetField = (topic: string, partition: number) => `${topic}:${partition}`;
