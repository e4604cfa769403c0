/**
 * Step 1 of the apply step (batch-plan.ts explains the steps): fencing, de-dup generations, each
 * event's verdict, the end days and the days crossing a window edge or dropped. Pure.
 */
import type { PartitionMeta, PreparedEvent, Verdict, WindowParams } from './plan-types';

const DAY = 86_400_000;

export interface Classified {
  events: PreparedEvent[];
  verdicts: Verdict[];
  fenced: number;
  maxEvent: number;
  batchEnd: number;
  newEnd: number;
  shiftDays: number[];
  dropDays: number[];
  txGen: number;
  txLow: number;
  /** generations no event can be checked against any more */
  dropGens: number[];
  /** new de-dup entries: generation -> [tx, fp, tx, fp, ...]; 'late' for late events */
  newTx: Map<number | 'late', string[]>;
  /** events whose day is older than the de-dup horizon behind the partition's end day */
  beyondHorizon: number;
}

/** Generations before the current one that are looked up: ceil(horizon / generation length). */
export const lookbackGenerations = (genDays: number, horizonDays = genDays) => Math.max(1, Math.ceil(horizonDays / genDays));

/**
 * Step 1a: the unfenced events, each one's de-dup generation, and the generations to look up
 * (the first event's generation and `lookback` before it, up to the last event's). An original
 * recorded in generation g is found by a resend in generation g + lookback at the latest, so
 * one that arrives at most lookback x genDays days of partition time later.
 */
export function dedupeGenerations(meta: PartitionMeta, events: PreparedEvent[], genDays: number, horizonDays = genDays) {
  const lookback = lookbackGenerations(genDays, horizonDays);
  const live = events.filter((e) => e.off > meta.applied);
  const genOf: number[] = [];
  let running = meta.endDay;
  for (const e of live) {
    if (e.day > running) running = e.day;
    genOf.push(Math.floor(running / genDays));
  }
  const lookup: number[] = [];
  if (live.length > 0) for (let g = genOf[0]! - lookback; g <= genOf[genOf.length - 1]!; g++) lookup.push(g);
  return { live, fenced: events.length - live.length, genOf, lookup };
}

function inWindows(d: number, E: number, c: number, r: number): [boolean, boolean, boolean] {
  return [d >= E - c + 1, d >= E - 2 * c + 1 && d <= E - c, d >= E - r + 1];
}

/** Step 1b: verdicts, end days and the expiry ranges. `known` maps transactionId -> fingerprint. */
export function classifyBatch(meta: PartitionMeta, events: PreparedEvent[], known: Map<string, string>, w: WindowParams): Classified {
  const { live, fenced, genOf } = dedupeGenerations(meta, events, w.genDays, w.horizonDays);
  const lookback = lookbackGenerations(w.genDays, w.horizonDays);
  const horizonDays = lookback * w.genDays;
  const seen = new Map(known);
  const verdicts: Verdict[] = [];
  const newTx = new Map<number | 'late', string[]>();
  let maxEvent = meta.maxEvent;
  let batchEnd = meta.endDay;
  let txLow = meta.txLow;
  let txGen = meta.txGen;
  const dropGens: number[] = [];
  if (live.length > 0) {
    const firstGen = genOf[0]!;
    const lastGen = genOf[genOf.length - 1]!;
    if (txLow < 0) txLow = firstGen;
    for (let g = txLow; g <= lastGen - lookback - 1; g++) dropGens.push(g);
    txLow = Math.max(txLow, lastGen - lookback);
    txGen = Math.max(txGen, lastGen);
  }
  let beyondHorizon = 0;
  live.forEach((e, i) => {
    const fp = seen.get(e.tx);
    if (fp !== undefined) {
      verdicts.push(fp === e.fp ? 0 : 1);
      return;
    }
    // older than the horizon and not known: an original of it may have been forgotten already
    // (it is applied, as a late event, and counted)
    if (meta.endDay >= 0 && e.day < meta.endDay - horizonDays) beyondHorizon++;
    const clock = Math.max(maxEvent, w.clockMs);
    const late = clock >= 0 && e.at < clock - w.latenessMs;
    seen.set(e.tx, e.fp);
    const gen: number | 'late' = late ? 'late' : genOf[i]!;
    // entries of generations dropped in this very call would never be read again
    if (gen === 'late' || gen >= txLow) {
      let list = newTx.get(gen);
      if (!list) newTx.set(gen, (list = []));
      list.push(e.tx, e.fp);
    }
    if (e.at > maxEvent) maxEvent = e.at;
    const counted = e.kind === 'P' ? 0 : 1;
    if (!late && counted + e.rev + e.cost !== 0 && batchEnd < 0) batchEnd = e.day;
    verdicts.push(late ? 3 : 2);
  });
  let newEnd = batchEnd;
  if (maxEvent >= 0) newEnd = Math.max(newEnd, Math.floor(maxEvent / DAY));
  if (w.clockMs > 0) newEnd = Math.max(newEnd, Math.floor(w.clockMs / DAY));
  const shiftDays: number[] = [];
  const dropDays: number[] = [];
  const retain = Math.max(2 * w.currentDays, w.rankingDays);
  if (batchEnd >= 0 && newEnd > batchEnd) {
    for (let d = batchEnd - retain + 1; d <= newEnd - w.currentDays; d++) {
      const a = inWindows(d, batchEnd, w.currentDays, w.rankingDays);
      const b = inWindows(d, newEnd, w.currentDays, w.rankingDays);
      if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) shiftDays.push(d);
    }
    for (let d = batchEnd - retain + 1; d <= newEnd - retain; d++) dropDays.push(d);
  }
  return { events: live, verdicts, fenced, maxEvent, batchEnd, newEnd, shiftDays, dropDays, txGen, txLow, dropGens, newTx, beyondHorizon };
}
