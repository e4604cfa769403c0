import { describe, expect, it } from 'vitest';
import { PartitionCache } from '../../../services/aggregator/src/partition-cache';
import { emptyState } from '@tierflow/contracts/keyspace/aggregator/aggregate-state';

// The partition cache holds whole de-dup generations and day activity lists between apply steps;
// a commit's own writes keep them current, and anything the process did not read whole is left
// for the next step to read from Redis.
describe('PartitionCache', () => {
  it('adds a commit\'s de-dup entries to the generations it holds, forgets dropped ones, never invents one', () => {
    const cache = new PartitionCache(10);
    cache.dedupe.set(4, new Map([['a', 'fa']]));
    cache.dedupe.set('late', new Map());
    cache.dedupe.set(3, new Map([['old', 'fo']]));
    cache.recordDedupe(new Map<number | 'late', string[]>([[4, ['b', 'fb', 'c', 'fc']], ['late', ['l', 'fl']], [5, ['n', 'fn']]]), [3]);
    expect([...cache.dedupe.get(4)!]).toEqual([['a', 'fa'], ['b', 'fb'], ['c', 'fc']]);
    expect([...cache.dedupe.get('late')!]).toEqual([['l', 'fl']]);
    expect(cache.dedupe.has(3)).toBe(false);
    // generation 5 was never read whole: what Redis holds of it is unknown here
    expect(cache.dedupe.has(5)).toBe(false);
  });

  it('gives one record per unsent customer, its last committed state, and keeps what a cleared cache had committed', () => {
    const cache = new PartitionCache(10);
    const st = (seq: number) => ({ ...emptyState(), seq });
    cache.recordUnsent(['C1', 'C2'], [st(1), st(1)]);
    cache.recordUnsent(['C1'], [st(1)]); // a later step, same seq
    expect(cache.unsentCount).toBe(2);
    // a refused step clears the cache: C1's seq 1 must still go out, but the next step gives it seq 2
    cache.clear();
    expect(cache.unsent.size).toBe(0);
    cache.recordUnsent(['C1'], [st(2)]);
    expect(cache.takeUnsent().map((r) => `${r.customerId}:${r.state.seq}`)).toEqual(['C1:1', 'C2:1', 'C1:2']);
    expect(cache.unsentCount).toBe(0);
    // a failed send puts them back, first
    cache.recordUnsent(['C3'], [st(5)]);
    const taken = cache.takeUnsent();
    cache.recordUnsent(['C3'], [st(6)]);
    cache.returnUnsent(taken);
    expect(cache.takeUnsent().map((r) => `${r.customerId}:${r.state.seq}`)).toEqual(['C3:5', 'C3:6']);
  });

  it('appends a commit\'s day additions to the days it holds and drops dropped days', () => {
    const cache = new PartitionCache(10);
    cache.days.set(100, ['C1']);
    cache.days.set(70, ['C9']);
    cache.recordDays(new Map([[100, ['C2', 'C3']], [101, ['C4']]]), [70]);
    expect(cache.days.get(100)).toEqual(['C1', 'C2', 'C3']);
    expect(cache.days.has(101)).toBe(false);
    expect(cache.days.has(70)).toBe(false);
  });

  it('stops holding de-dup entries for good once they outgrow their bound, and clear() empties everything', () => {
    const cache = new PartitionCache(10, 3);
    cache.dedupe.set(1, new Map([['a', '1'], ['b', '2']]));
    cache.checkDedupeSize();
    expect(cache.dedupeTooLarge).toBe(false);
    cache.dedupe.set(2, new Map([['c', '3'], ['d', '4']]));
    cache.checkDedupeSize();
    expect(cache.dedupeTooLarge).toBe(true);
    expect(cache.dedupe.size).toBe(0);
    cache.days.set(1, ['x']);
    cache.clear();
    expect([cache.days.size, cache.customers.size, cache.token, cache.meta]).toEqual([0, 0, null, null]);
    expect(cache.dedupeTooLarge).toBe(true);
    expect(new PartitionCache(0).keeps).toBe(false);
  });
});
