import { describe, expect, it } from 'vitest';
import { classifyBatch, dedupeGenerations, type PartitionMeta, type PreparedEvent, type Verdict, type WindowParams } from '../../../shared/domain/src/windows/batch-plan';

const DAY = 86_400_000;

function ev(off: number, tx: string, day: number, fp = `fp-${tx}`): PreparedEvent {
  return { off, tx, fp, id: 'C1', at: day * DAY + 1000, day, month: '202501', rev: 100, cost: 0, bal: 100, kind: 'C' };
}

/**
 * Feeds events one step at a time through the de-dup generations with a plain in-memory store
 * of what the commit script keeps (generation hashes and the late hash), dropping the
 * generations classifyBatch says are no longer read: the memory a shard really has.
 */
function replay(events: PreparedEvent[], w: WindowParams): { verdicts: Verdict[]; beyond: number; gens: number } {
  const store = new Map<number | 'late', Map<string, string>>();
  let meta: PartitionMeta = { applied: -1, maxEvent: -1, endDay: -1, txGen: -1, txLow: -1 };
  const verdicts: Verdict[] = [];
  let beyond = 0;
  let gens = 0;
  for (const e of events) {
    const { lookup } = dedupeGenerations(meta, [e], w.genDays, w.horizonDays);
    const known = new Map<string, string>();
    for (const g of [...lookup, 'late' as const]) {
      const fp = store.get(g)?.get(e.tx);
      if (fp !== undefined) known.set(e.tx, fp);
    }
    const c = classifyBatch(meta, [e], known, w);
    verdicts.push(...c.verdicts);
    beyond += c.beyondHorizon;
    for (const g of c.dropGens) store.delete(g);
    for (const [g, list] of c.newTx) {
      const h = store.get(g) ?? new Map<string, string>();
      for (let i = 0; i < list.length; i += 2) h.set(list[i]!, list[i + 1]!);
      store.set(g, h);
    }
    gens = Math.max(gens, [...store.keys()].filter((k) => k !== 'late').length);
    meta = { applied: e.off, maxEvent: c.maxEvent, endDay: c.newEnd, txGen: c.txGen, txLow: c.txLow };
  }
  return { verdicts, beyond, gens };
}

/** Originals on day 0, a month and more of other billing, then the bill run again. */
function rerun(afterDays: number): PreparedEvent[] {
  const out = [ev(0, 'bill-1', 0), ev(1, 'bill-2', 0)];
  for (let d = 1; d <= afterDays; d++) out.push(ev(out.length, `daily-${d}`, d));
  out.push(ev(out.length, 'bill-1', 0)); // identical resend
  out.push(ev(out.length, 'bill-2', 0, 'fp-other')); // same id, other content
  return out;
}

describe('de-dup horizon', () => {
  const base = { currentDays: 30, rankingDays: 90, latenessMs: 2 * DAY, clockMs: 0 };

  it('recognises a monthly bill re-run 45 days later: identical resend skipped, conflicting one refused', () => {
    const w: WindowParams = { ...base, genDays: 15, horizonDays: 45 };
    for (const after of [23, 30, 45]) {
      const { verdicts, beyond } = replay(rerun(after), w);
      expect(verdicts.slice(-2), `${after} days later`).toEqual([0, 1]);
      expect(beyond).toBe(0);
    }
  });

  it('keeps the horizon plus one generation of ids, not all history', () => {
    const { gens } = replay(rerun(200), { ...base, genDays: 15, horizonDays: 45 });
    expect(gens).toBeLessThanOrEqual(45 / 15 + 1);
  });

  it('beyond the horizon a resend is applied as a late event and counted', () => {
    const w: WindowParams = { ...base, genDays: 7, horizonDays: 7 };
    const { verdicts, beyond } = replay(rerun(30), w);
    expect(verdicts.slice(-2)).toEqual([3, 3]);
    expect(beyond).toBe(2);
  });
});
