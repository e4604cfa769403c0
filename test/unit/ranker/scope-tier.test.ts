import { describe, expect, it } from 'vitest';
import { encodeSnapshot } from '../../../shared/contracts/src/keyspace/ranker/customer-record';
import { scopeTierOf } from '../../../shared/contracts/src/keyspace/ranker/rank-store-reader';

describe('scopeTierOf: a customer tiers per scope, read from its customers record', () => {
  const record = encodeSnapshot({
    customerId: 'c1',
    seq: 7,
    basis: 12_345,
    region: 'north',
    tiers: [
      [0, 1, 1_700_000_000_000],
      [2, 2, -Infinity],
    ],
  });

  it('reads the global slot for the global scope', () => {
    expect(scopeTierOf('global', 'c1', record)).toEqual({ raw: 'A', published: 'B', publishedSince: 1_700_000_000_000, basisMinor: 12_345 });
  });

  it('reads the region slot only for the customer region scope', () => {
    expect(scopeTierOf('region:north', 'c1', record)).toEqual({ raw: 'C', published: 'C', publishedSince: null, basisMinor: 12_345 });
    expect(scopeTierOf('region:south', 'c1', record)).toBeNull();
    expect(scopeTierOf('region:unassigned', 'c1', record)).toBeNull();
  });

  it('puts a customer without a region in region:unassigned', () => {
    const none = encodeSnapshot({ customerId: 'c2', seq: 1, basis: 5, region: null, tiers: [[1, 1, 3], [0, 0, 4]] });
    expect(scopeTierOf('region:unassigned', 'c2', none)).toEqual({ raw: 'A', published: 'A', publishedSince: 4, basisMinor: 5 });
  });

  it('gives null for a missing record and an error for a damaged one', () => {
    expect(scopeTierOf('global', 'c3', null)).toBeNull();
    expect(() => scopeTierOf('global', 'c3', 'garbage')).toThrow(/bad ranker record for c3/);
  });
});
