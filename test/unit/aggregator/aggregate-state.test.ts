import { describe, expect, it } from 'vitest';
import { AGGREGATE_FIELDS, aggregateFromPacked } from '../../../shared/contracts/src/keyspace/aggregator/aggregate-row';
import { emptyState, packState, parseState } from '../../../shared/contracts/src/keyspace/aggregator/aggregate-state';

describe('packed aggregate state', () => {
  it('reads each value into the field of its position', () => {
    const packed = AGGREGATE_FIELDS.map((_, i) => i * 10 + 1).join(':');
    const s = parseState(packed);
    AGGREGATE_FIELDS.forEach((f, i) => expect(s[f]).toBe(i * 10 + 1));
    expect(Object.keys(s).sort()).toEqual([...AGGREGATE_FIELDS].sort());
    expect(packState(s)).toBe(packed);
  });

  it('starts empty with unknown activity times, and builds the Avro record with its eventId', () => {
    const s = emptyState();
    expect(s.firstActivityAt).toBe(-1);
    expect(s.lastActivityAt).toBe(-1);
    expect(s.revenueMinor).toBe(0);
    s.seq = 7;
    s.revenueMinor = 1250;
    const a = aggregateFromPacked('c-1', packState(s), { currency: 'USD', currentWindowDays: 30, rankingWindowDays: 90 });
    expect(a).toMatchObject({ eventId: 'c-1:7', customerId: 'c-1', seq: 7, revenueMinor: 1250, currency: 'USD', rankingWindowDays: 90 });
  });

  it('names a packed state of the wrong length', () => {
    expect(() => parseState('1:2:3')).toThrow(/3 values, expected 20/);
  });
});
