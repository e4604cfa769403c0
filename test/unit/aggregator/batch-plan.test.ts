import { describe, expect, it } from 'vitest';
import { parseState } from '../../../shared/contracts/src/keyspace/aggregator/aggregate-state';
import {
  applyClassified,
  classifyBatch,
  fieldsToRead,
  loadedFrom,
  type Loaded,
  type PartitionMeta,
  type PreparedEvent,
  type WindowParams,
} from '../../../shared/domain/src/windows/batch-plan';
import { FencedCommit } from '../../../shared/runtime/src/exactly-once/fenced-commit';

const DAY = 86_400_000;
const w: WindowParams = { currentDays: 30, rankingDays: 90, latenessMs: 2 * DAY, genDays: 7, clockMs: 0 };
const fresh: PartitionMeta = { applied: -1, maxEvent: -1, endDay: -1, txGen: -1, txLow: -1 };

function ev(off: number, tx: string, id: string, day: number, rev: number, cost = 0, kind: PreparedEvent['kind'] = 'C'): PreparedEvent {
  const payment = kind === 'P';
  return { off, tx, fp: `fp-${tx}-${rev}`, id, at: day * DAY + 1000, day, month: '202501', rev: payment ? 0 : rev, cost, bal: payment ? -rev : rev, kind };
}

const offset = { field: 'off:t:0', last: 9 };
/** What the caller reads before the apply step: every needed field, null where Redis has none. */
function loadAll(need: Map<string, Set<string>>, stored = new Map<string, Map<string, string | null>>()): Map<string, Loaded> {
  const out = new Map<string, Loaded>();
  for (const [id, fields] of need) out.set(id, loadedFrom(new Map([...fields].map((f) => [f, stored.get(id)?.get(f) ?? null]))));
  return out;
}

describe('classifyBatch', () => {
  it('fences offsets at or below the applied one and tells duplicates, conflicts, late events', () => {
    const meta: PartitionMeta = { applied: 1, maxEvent: 100 * DAY, endDay: 100, txGen: 14, txLow: 13 };
    const events = [
      ev(1, 'a', 'C1', 100, 500), // fenced
      ev(2, 'b', 'C1', 100, 500), // new
      ev(3, 'b', 'C1', 100, 500), // duplicate of 2 in the same batch
      { ...ev(4, 'k', 'C2', 100, 700), fp: 'other' }, // known with another fingerprint: conflict
      ev(5, 'l', 'C2', 90, 100), // more than 2 days behind the max event time: late
    ];
    const known = new Map([['k', 'fp-k-700']]);
    const c = classifyBatch(meta, events, known, w);
    expect(c.fenced).toBe(1);
    expect(c.verdicts).toEqual([2, 0, 1, 3]);
    expect(c.newTx.get('late')).toEqual(['l', 'fp-l-100']);
    expect(c.newTx.get(14)).toEqual(['b', 'fp-b-500']);
  });

  it('moves the end day on and lists the days crossing a window edge and the days dropped', () => {
    const meta: PartitionMeta = { applied: 0, maxEvent: 100 * DAY, endDay: 100, txGen: 14, txLow: 13 };
    const c = classifyBatch(meta, [ev(1, 'x', 'C1', 102, 100)], new Map(), w);
    expect([c.batchEnd, c.newEnd]).toEqual([100, 102]);
    // current window edge (71, 72 leave it), previous window edge (41, 42 leave it), ranking edge (11, 12)
    expect(c.shiftDays).toEqual([11, 12, 41, 42, 71, 72]);
    expect(c.dropDays).toEqual([11, 12]);
  });
});

describe('applyClassified', () => {
  it('sums to the cent, keeps windows, months and day buckets, and writes the offset last', () => {
    const events = [ev(0, 'a', 'C1', 100, 1000, 600), ev(1, 'b', 'C1', 100, 250, 100, 'R'), ev(2, 'p', 'C1', 100, 400, 0, 'P')];
    events[1]!.rev = -250;
    events[1]!.cost = -100;
    events[1]!.bal = -250;
    const c = classifyBatch(fresh, events, new Map(), w);
    const need = fieldsToRead(c, new Map());
    expect([...need.get('C1')!]).toEqual(['s', 'm:202501', 'd:100']);
    const out = applyClassified(fresh, c, loadAll(need), new Map(), w, offset);
    expect([out.applied, out.duplicates, out.late]).toEqual([3, 0, 0]);
    const s = parseState(out.rows[1]!);
    expect(s).toMatchObject({
      seq: 1, revenueMinor: 750, costMinor: 500, profitMinor: 250, txCount: 2, paymentCount: 1, balanceMinor: 350,
      currentRevenueMinor: 750, rankingRevenueMinor: 750, previousRevenueMinor: 0, currentCount: 2,
    });
    const hset = out.writes.find((x) => x.key === 'c:C1')!;
    expect(hset.args).toEqual(['s', out.rows[1], 'm:202501', '750:250:2', 'd:100', '750:250:2']);
    // the day's activity list: ids each followed by a space, appended
    expect(out.writes.find((x) => x.key === 'xs:100')).toEqual({ cmd: 'APPEND', key: 'xs:100', args: ['C1 '] });
    expect(out.writes.at(-1)).toEqual({
      cmd: 'HSET', key: 'meta', args: ['off:t:0', '9', 'maxEventTime', String(100 * DAY + 1000), 'endDay', '100', 'txGen', '14', 'txLow', '14'],
    });
  });

  it('keeps the seq of a customer whose last state was not sent yet (the record cache), and gives the others the next', () => {
    const c = classifyBatch(fresh, [ev(0, 'a', 'C1', 100, 1000), ev(1, 'b', 'C2', 100, 500)], new Map(), w);
    const customers = loadAll(fieldsToRead(c, new Map()));
    customers.get('C1')!.state.seq = 7;
    customers.get('C2')!.state.seq = 7;
    const out = applyClassified(fresh, c, customers, new Map(), w, offset, new Set(['C1']));
    const seqs = new Map(out.states.map((st, i) => [out.rows[2 * i]!, st.seq]));
    // C1's seq-7 state was never sent: this step's state replaces it under the same seq
    expect(seqs).toEqual(new Map([['C1', 7], ['C2', 8]]));
    expect(parseState(out.rows[1]!)).toMatchObject({ seq: 7, revenueMinor: 1000 });
  });

  it('moves a stored customer out of the current window when the end day passes it, and drops old buckets', () => {
    const meta: PartitionMeta = { applied: 5, maxEvent: 100 * DAY, endDay: 100, txGen: 14, txLow: 13 };
    const before = { ...parseState(['3', '0', '0', '900', '0', '900', '1', '0', '900', '0', '0', '900', '900', '1', '0', '0', '0', '900', '900', '1'].join(':')) };
    expect(before.currentRevenueMinor).toBe(900);
    // C9 bought 900 on day 71 (29 days before day 100); an event of C1 on day 102 moves the end day
    const c = classifyBatch(meta, [ev(6, 'n', 'C1', 102, 10)], new Map(), w);
    const members = new Map([[71, ['C9']], [11, ['C7']]]);
    const need = fieldsToRead(c, members);
    expect(need.get('C9')).toEqual(new Set(['s', 'd:71']));
    const stored = new Map([
      ['C9', new Map<string, string | null>([['s', ['3', '0', '0', '900', '0', '900', '1', '0', '900', '0', '0', '900', '900', '1', '0', '0', '0', '900', '900', '1'].join(':')], ['d:71', '900:900:1']])],
    ]);
    const out = applyClassified(meta, c, loadAll(need, stored), members, w, { field: 'off:t:0', last: 6 });
    const rows = new Map<string, string>();
    for (let i = 0; i < out.rows.length; i += 2) rows.set(out.rows[i]!, out.rows[i + 1]!);
    const c9 = parseState(rows.get('C9')!);
    expect(c9).toMatchObject({ seq: 4, currentRevenueMinor: 0, currentCount: 0, previousRevenueMinor: 900, rankingRevenueMinor: 900 });
    expect(out.writes).toContainEqual({ cmd: 'HDEL', key: 'c:C7', args: ['d:11'] });
    expect(out.writes).toContainEqual({ cmd: 'DEL', key: 'x:11', args: [] });
    expect(out.writes).toContainEqual({ cmd: 'DEL', key: 'xs:11', args: [] });
    // C9's bucket was only read: not written back
    expect(out.writes.find((x) => x.key === 'c:C9')!.args).toEqual(['s', rows.get('C9')]);
  });
});

describe('the fenced commit encoding of the writes', () => {
  it('splits long argument lists and keeps field/value pairs whole', () => {
    const args = Array.from({ length: 9000 }, (_, i) => `v${i}`);
    const c = new FencedCommit('b:meta', 'b:').add('HSET', 'tx:1', args).add('DEL', 'x:1', []);
    // after the key base, no guards and no payload entries: the command list
    const all = c.args();
    expect(all.slice(0, 3)).toEqual(['b:', '0', '0']);
    const enc = all.slice(3);
    expect(enc[0]).toBe('4');
    expect(enc.slice(1, 4)).toEqual(['HSET', 'tx:1', '4000']);
    expect(enc.slice(4004, 4007)).toEqual(['HSET', 'tx:1', '4000']);
    expect(enc.slice(8007, 8010)).toEqual(['HSET', 'tx:1', '1000']);
    expect(enc.slice(-3)).toEqual(['DEL', 'x:1', '0']);
  });
});
