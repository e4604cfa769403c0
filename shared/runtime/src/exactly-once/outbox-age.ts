/**
 * How long the oldest entry of an outbox has waited, from periodic samples: each sample names
 * the entries that are the oldest (a list's head, a first page of a set) and the depth. An
 * entry's age counts from the first sample that saw it (so after a restart, from the restart);
 * entries that left are forgotten. Pure: the caller brings the clock.
 */
export class OutboxAge {
  private seen = new Map<string, number>();
  depth = 0;
  oldestAgeSeconds = 0;

  observe(sample: { depth: number; oldest: string[] }, nowMs: number): void {
    const next = new Map<string, number>();
    let first = nowMs;
    for (const entry of sample.oldest) {
      const since = this.seen.get(entry) ?? nowMs;
      next.set(entry, since);
      if (since < first) first = since;
    }
    this.seen = next;
    this.depth = sample.depth;
    this.oldestAgeSeconds = sample.depth === 0 ? 0 : (nowMs - first) / 1000;
  }
}
