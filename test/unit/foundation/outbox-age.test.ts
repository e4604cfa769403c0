import { describe, expect, it } from 'vitest';
import { OutboxAge } from '@tierflow/runtime/exactly-once/outbox-age';

describe('outbox age from samples', () => {
  it('an entry that stays at the head ages; one that leaves is forgotten; an empty outbox is 0 s old', () => {
    const a = new OutboxAge();
    a.observe({ depth: 2, oldest: ['e1'] }, 1_000);
    expect([a.depth, a.oldestAgeSeconds]).toEqual([2, 0]);
    a.observe({ depth: 3, oldest: ['e1'] }, 31_000);
    expect([a.depth, a.oldestAgeSeconds]).toEqual([3, 30]);
    a.observe({ depth: 1, oldest: ['e2'] }, 32_000); // e1 was sent: e2 is new to the samples
    expect(a.oldestAgeSeconds).toBe(0);
    a.observe({ depth: 0, oldest: [] }, 40_000);
    expect([a.depth, a.oldestAgeSeconds]).toEqual([0, 0]);
    a.observe({ depth: 1, oldest: ['e1'] }, 50_000); // e1 again: counted anew (it left and came back)
    expect(a.oldestAgeSeconds).toBe(0);
  });

  it('a set sample: the age is the oldest of the sampled members still there', () => {
    const a = new OutboxAge();
    a.observe({ depth: 2, oldest: ['a', 'b'] }, 0);
    a.observe({ depth: 3, oldest: ['b', 'c'] }, 10_000);
    expect(a.oldestAgeSeconds).toBe(10);
    a.observe({ depth: 1, oldest: ['c'] }, 15_000);
    expect(a.oldestAgeSeconds).toBe(5);
  });
});
