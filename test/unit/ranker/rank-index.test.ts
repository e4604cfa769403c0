import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankCursor, RankIndex } from '../../../shared/domain/src/ranking/index/rank-index';

/** Brute force: the entries sorted by basis desc, id asc. */
function sorted(entries: Map<number, number>, ids: string[]): Array<[number, number]> {
  return [...entries].sort(([h1, b1], [h2, b2]) =>
    b1 !== b2 ? b2 - b1 : (ids[h1] as string) < (ids[h2] as string) ? -1 : 1,
  );
}

describe('RankIndex', () => {
  it('matches a sorted array for rank, prefix sums, k-th and boundary search under random edits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 39 }), fc.integer({ min: -5, max: 25 }), fc.boolean()), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.constantFrom(4, 5, 8),
        (ops, cap) => {
          const ids = Array.from({ length: 40 }, (_, i) => `c${(i * 7) % 40}`);
          const idx = new RankIndex({ ids, leafCapacity: cap, fanout: cap });
          const live = new Map<number, number>();
          // boundaries followed through the edits, asked after some of them only (so a tracker
          // also has to catch up over several edits), each checked against the brute force
          const shares = [0.3, 0.8, 0.95, 1];
          const trackers = shares.map(() => idx.trackBoundary());
          const before = new RankCursor();
          let step = 0;
          for (const [h, raw, del] of ops) {
            const b = raw * 100;
            const cur = live.get(h);
            if (cur !== undefined) {
              idx.remove(h, cur);
              live.delete(h);
            }
            if (!del || cur === undefined) {
              idx.insert(h, b);
              live.set(h, b);
            }
            idx.checkInvariants();
            const order = sorted(live, ids);
            expect(idx.size).toBe(order.length);
            let sum = 0;
            const prefix: number[] = [];
            order.forEach(([hh, bb], r) => {
              prefix.push(sum);
              expect(idx.rankOf(hh, bb)).toBe(r);
              expect(idx.lastSumBefore).toBe(sum);
              expect(idx.handleAt(r)).toBe(hh);
              expect(idx.prefixSum(r)).toBe(sum);
              sum += Math.max(bb, 0);
            });
            expect(idx.total).toBe(sum);
            for (const x of [0, 1, sum * 0.5, sum * 0.8, sum * 0.95, sum, sum + 1]) {
              expect(idx.countPrefixBelow(x)).toBe(prefix.filter((p) => p < x).length);
            }
            if (step++ % 3 !== 1 && sum > 0) {
              shares.forEach((share, j) => {
                const x = share * sum;
                const k = prefix.filter((p) => p < x).length;
                expect(trackers[j]?.count(x, before)).toBe(k);
                expect(before.rank).toBe(k - 1);
                if (k > 0) {
                  const seen: number[] = [];
                  idx.forRange(k - 1, 1, (hh) => seen.push(hh), before);
                  expect(seen).toEqual([order[k - 1]?.[0]]);
                }
              });
            }
            const walked: number[] = [];
            idx.forRange(1, 5, (hh) => walked.push(hh));
            expect(walked).toEqual(order.slice(1, 6).map(([hh]) => hh));
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('bulk-loads sorted entries and rejects unsorted ones', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    const idx = new RankIndex({ ids, leafCapacity: 8, fanout: 6 });
    const handles = Int32Array.from({ length: 1000 }, (_, i) => i);
    const basis = Float64Array.from({ length: 1000 }, (_, i) => 5000 - Math.floor(i / 3) * 10);
    idx.loadSorted(handles, basis, 1000);
    idx.checkInvariants();
    expect(idx.size).toBe(1000);
    expect(idx.rankOf(500, basis[500] as number)).toBe(500);
    idx.remove(0, basis[0] as number);
    idx.insert(0, 1);
    idx.checkInvariants();
    expect(idx.handleAt(999)).toBe(0);
    const bad = new RankIndex({ ids });
    expect(() => bad.loadSorted(Int32Array.of(1, 0), Float64Array.of(5, 5), 2)).toThrow(/out of order/);
    const empty = new RankIndex({ ids });
    empty.loadSorted(handles, basis, 0);
    expect(empty.size).toBe(0);
    empty.insert(3, 7);
    expect(empty.rankOf(3, 7)).toBe(0);
  }, 120_000);

  it('refuses a missing entry with a NOT_FOUND error', () => {
    const idx = new RankIndex({ ids: ['a', 'b'] });
    idx.insert(0, 10);
    expect(() => idx.remove(1, 10)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', retriable: false }));
  }, 120_000);
});
