import { describe, expect, it } from 'vitest';
import { decodeChurnState, encodeChurnState } from '../../../shared/contracts/src/keyspace/churn-watch/churn-state-codec';
import type { CustomerChurnState } from '../../../shared/contracts/src/keyspace/churn-watch/churn-state';

const base: CustomerChurnState = {
  customerId: 'C000123', tier: 'A', downgrade: null, agg: null, signals: {}, timerDueAt: null, score: 0,
  attractiveness: 'MEDIUM', relationship: 'AVERAGE', strategy: 'maintain-selectively', updatedAt: 1_700_000_000_000,
};
const full: CustomerChurnState = {
  ...base,
  tier: 'B',
  downgrade: { fromTier: 'A', toTier: 'B', at: 1_700_000_100_000 },
  agg: {
    seq: 17, watermark: 1_700_000_000_500, revenueMinor: 123_456, profitMinor: -50, txCount: 9, firstActivityAt: 1_690_000_000_000,
    lastActivityAt: 1_700_000_000_000, currentRevenueMinor: 1000, previousRevenueMinor: 5000, currentCount: 1, previousCount: 4,
  },
  signals: {
    REVENUE_DECLINE: { active: true, severity: 'HIGH', strength: 0.8123456789, notified: true, lastRaisedAt: 1_700_000_000_000, lastRaisedSeverity: 'MEDIUM' },
    INACTIVITY: { active: false, severity: 'LOW', strength: 0, notified: false, lastRaisedAt: null, lastRaisedSeverity: null },
  },
  timerDueAt: 1_700_086_400_000, score: 0.81,
  tierOffset: 123_456_789,
};

describe('churn state stored form', () => {
  it('round-trips every field, in well under half the object form', () => {
    for (const s of [base, full]) {
      const stored = encodeChurnState(s);
      expect(stored.startsWith('[1,')).toBe(true);
      expect(stored).not.toContain('C000123');
      expect(decodeChurnState(s.customerId, stored)).toEqual(s);
    }
    expect(encodeChurnState(full).length / JSON.stringify(full).length).toBeLessThan(0.5);
  });
  it('reads states of the version before tierOffset (11 values) as having applied no tier change with a causeOffset', () => {
    const { tierOffset: _, ...earlier } = full;
    const stored = encodeChurnState(earlier);
    expect(JSON.parse(stored)).toHaveLength(11);
    expect(decodeChurnState(full.customerId, stored)).toEqual(earlier);
    expect(JSON.parse(encodeChurnState(full))).toHaveLength(12);
  });
  it('reads states stored in the object form, and refuses what is neither', () => {
    expect(decodeChurnState('C000123', JSON.stringify(full))).toEqual(full);
    expect(() => decodeChurnState('C1', '[9]')).toThrow(/unknown churn state format/);
    expect(() => decodeChurnState('C1', '"x"')).toThrow(/bad churn state/);
  });
});
