/** The alerter's Redis keys; all share the hash tag {al}. `prefix` is REDIS_KEY_PREFIX. */
export function alertKeys(prefix: string) {
  const base = `${prefix}{al}:`;
  return {
    offsets: `${base}offsets`,
    queue: `${base}queue`,
    dead: `${base}dead`,
    stats: `${base}stats`,
    lease: `${base}lease`,
    seen: (alertId: string) => `${base}seen:${alertId}`,
  };
}

export type AlertKeys = ReturnType<typeof alertKeys>;
