/**
 * Exactly once across the repartition hop, without Kafka transactions. The repartition stage
 * forwards each billing.transactions partition in offset order, and commits a source offset to
 * Kafka only after everything below it was acknowledged in its shard; after a crash or a
 * rebalance the next owner resends from the committed offset. So, within one shard, the records
 * of one source partition arrive in increasing source offset, except for copies of records that
 * are already there (the resent tail). A shard keeps, per source partition, the highest source
 * offset it applied (meta fields `src:<topic>:<partition>`, written in the same atomic commit as
 * the state): a record at or below it is a copy and is skipped, however old its event time.
 * Pure.
 */

/** Where a re-keyed record came from: `<topic>:<partition>` and its offset there. */
export interface SourcePosition {
  key: string;
  offset: number;
}

export const SOURCE_FIELD_PREFIX = 'src:';
export const sourceField = (key: string) => `${SOURCE_FIELD_PREFIX}${key}`;

/** The shard's source watermarks from its meta hash's fields. */
export function sourcesFromMeta(hash: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(SOURCE_FIELD_PREFIX)) out.set(field.slice(SOURCE_FIELD_PREFIX.length), Number(value));
  }
  return out;
}

/**
 * Splits events into those to apply and copies of ones already applied, given the shard's
 * watermarks; returns the watermarks after the step and the fields that changed. Events without
 * a source position are kept (nothing to fence them by).
 */
export function fenceBySource<T extends { source?: SourcePosition }>(
  events: T[],
  watermarks: ReadonlyMap<string, number>,
): { fresh: T[]; copies: number; after: Map<string, number>; changed: string[] } {
  const after = new Map(watermarks);
  const fresh: T[] = [];
  const changed = new Set<string>();
  let copies = 0;
  for (const e of events) {
    const s = e.source;
    if (s === undefined) {
      fresh.push(e);
      continue;
    }
    if (s.offset <= (after.get(s.key) ?? -1)) {
      copies++;
      continue;
    }
    after.set(s.key, s.offset);
    changed.add(s.key);
    fresh.push(e);
  }
  return { fresh, copies, after, changed: [...changed] };
}
