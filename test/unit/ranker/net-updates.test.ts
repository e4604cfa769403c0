import { describe, expect, it } from 'vitest';
import { netUpdateIndexes } from '../../../services/ranker/src/net-updates';

type R = { id: string | null; seq: number };
const net = (rs: R[]) => netUpdateIndexes(rs, (r) => r.id, (r) => r.seq);

describe('a chunk\'s net updates', () => {
  it('keeps each customer\'s highest seq once, in offset order', () => {
    expect(net([{ id: 'a', seq: 1 }, { id: 'b', seq: 4 }, { id: 'a', seq: 3 }, { id: 'a', seq: 2 }, { id: 'c', seq: 1 }])).toEqual([1, 2, 4]);
  });
  it('of equal seqs keeps the last in offset order, and skips records without a customer (dead-lettered)', () => {
    expect(net([{ id: 'a', seq: 5 }, { id: null, seq: 0 }, { id: 'a', seq: 5 }])).toEqual([2]);
    expect(net([])).toEqual([]);
  });
});
