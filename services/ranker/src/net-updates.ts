/**
 * A chunk's net updates: when a chunk of customer.aggregates holds several records of one
 * customer, only its latest (the highest seq; of equal seqs the last in offset order) is applied,
 * once, at the position of that record in offset order. The others are skipped as stale (an
 * older seq the engine would apply and then overwrite within the same chunk). Pure.
 *
 * What this keeps: the final state of every customer (basis, seq, region) and so, since raw
 * tiers depend only on the final bases (ties by customerId), the final raw tier of every customer
 * in every scope after the chunk, the ranks, the summaries and the stored offsets; with exact
 * tiers (HYSTERESIS_MARGIN=0, HYSTERESIS_MIN_DWELL_MS=0) the published tier is the raw one, so the
 * final published tiers are the same too. Replays stay deterministic (same input, same chunks,
 * same output).
 *
 * What may differ from applying every record one by one: the intermediate tier changes within
 * one chunk. A customer whose tier moved and moved back inside the chunk (because of its own
 * skipped records or of boundaries they moved) emits no change, or one change instead of
 * several; a change's fromTier is the tier the customer had before the chunk, and its
 * explanation (rank, population, shares, boundaries, cause) is the one at the applied update.
 * With hysteresis on, the published tier is path-dependent (a margin band or a minimum dwell
 * looks at the bases and times it saw) and chunk boundaries follow Kafka's fetches, so netting
 * would make the final published tiers depend on batching: the ranker nets only exact tiers
 * (ranker-service.ts exactTiers) and applies every record, in order, under hysteresis.
 */
export function netUpdateIndexes<T>(records: readonly T[], keyOf: (r: T) => string | null, seqOf: (r: T) => number): number[] {
  const latest = new Map<string, number>();
  records.forEach((r, i) => {
    const key = keyOf(r);
    if (key === null) return;
    const at = latest.get(key);
    if (at === undefined || seqOf(r) >= seqOf(records[at] as T)) latest.set(key, i);
  });
  const out = [...latest.values()];
  out.sort((a, b) => a - b);
  return out;
}
