import { describe, expect, it } from 'vitest';
import { ConsumerProgress } from '@tierflow/runtime/service/consumer-progress';

// /readyz's stall rule: behind at the last batch, and no batch finished for longer than the bound.
describe('ConsumerProgress', () => {
  it('is stalled only while behind with no batch finished for longer than the bound', () => {
    const p = new ConsumerProgress(0);
    expect(p.stalledFor(500_000, 120)).toBeNull(); // nothing known: idle, not stalled
    p.batchDone('t:0', 5_000, 1_000);
    p.batchDone('t:1', 0, 1_000);
    expect(p.behind).toBe(5_000);
    expect(p.stalledFor(100_000, 120)).toBeNull(); // 99 s
    expect(p.stalledFor(122_000, 120)).toBe(121);
    p.batchDone('t:0', 4_000, 122_500); // a batch finished: progress again
    expect(p.stalledFor(200_000, 120)).toBeNull();
    p.batchDone('t:0', 0, 210_000); // caught up: quiet for any time is idle
    expect(p.stalledFor(10_000_000, 120)).toBeNull();
  });

  it('counts a partition one record behind as at its end (a transaction marker), and forgets partitions on a new assignment', () => {
    const p = new ConsumerProgress(0);
    p.batchDone('t:0', 1, 1_000);
    expect(p.stalledFor(1_000_000, 120)).toBeNull();
    p.batchDone('t:1', 2, 1_000);
    expect(p.stalledFor(1_000_000, 120)).not.toBeNull();
    p.assigned(1_000_000); // t:1 went to another member
    expect(p.behind).toBe(0);
    expect(p.stalledFor(2_000_000, 120)).toBeNull();
  });
});
