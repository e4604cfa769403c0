import { describe, expect, it } from 'vitest';
import { rankerConfig } from '../../../services/ranker/src/ranker-config';
import { basisOf, parseCompositeWeights, type AggregateFields } from '../../../shared/domain/src/ranking/ranking-basis';
import { decodeSnapshot, encodeSnapshot } from '../../../shared/contracts/src/keyspace/ranker/customer-record';

const agg: AggregateFields = {
  eventTime: Date.UTC(2025, 0, 11),
  revenueMinor: 90_000,
  profitMinor: 30_000,
  firstActivityAt: Date.UTC(2025, 0, 1),
  currentRevenueMinor: 5_000,
  previousRevenueMinor: 2_000,
  rankingRevenueMinor: 40_000,
  rankingProfitMinor: 10_000,
  rankingCount: 7,
};

describe('ranking basis', () => {
  it('reads the configured field, or rounds the weighted composite to an integer', () => {
    expect(basisOf(agg, 'window-revenue')).toBe(40_000);
    expect(basisOf(agg, 'window-profit')).toBe(10_000);
    expect(basisOf(agg, 'lifetime-revenue')).toBe(90_000);
    const w = parseCompositeWeights('windowRevenue:1, growth:0.5, tenureDays:100, frequency:0.25');
    expect(basisOf(agg, 'composite', w)).toBe(Math.round(40_000 + 0.5 * 3_000 + 100 * 10 + 0.25 * 7));
  });

  it('names a bad weight', () => {
    expect(() => parseCompositeWeights('windowRevenue:x')).toThrow(/bad weight "windowRevenue:x"/);
    expect(() => parseCompositeWeights('loyalty:1')).toThrow(/indicator one of/);
  });
});

describe('ranker config', () => {
  it('defaults thresholds by mode and versions what decides tiers', () => {
    const share = rankerConfig({});
    expect(share.rules).toEqual({ mode: 'share', thresholdA: 0.8, thresholdB: 0.95, margin: 0.02, minDwellMs: 86_400_000 });
    expect(share.basis).toBe('window-revenue');
    const count = rankerConfig({ TIER_MODE: 'count' });
    expect(count.rules).toMatchObject({ thresholdA: 0.2, thresholdB: 0.5 });
    expect(count.configVersion).not.toBe(share.configVersion);
    expect(rankerConfig({ KAFKA_GROUP_ID: 'other' }).configVersion).toBe(share.configVersion);
    expect(rankerConfig({ RANKING_BASIS: 'composite', COMPOSITE_WEIGHTS: 'growth:2' }).weights).toEqual({ growth: 2 });
  });

  it('rejects bad variables by name', () => {
    expect(() => rankerConfig({ RANKING_BASIS: 'margin' })).toThrow(/RANKING_BASIS/);
    expect(() => rankerConfig({ TIER_A_THRESHOLD: '0.9', TIER_B_THRESHOLD: '0.5' })).toThrow(/TIER_A_THRESHOLD/);
    expect(() => rankerConfig({ COMPOSITE_WEIGHTS: 'nope' })).toThrow(/COMPOSITE_WEIGHTS/);
    expect(() => rankerConfig({ HYSTERESIS_MARGIN: '-1' })).toThrow(/HYSTERESIS_MARGIN/);
  });
});

describe('customer snapshot', () => {
  it('round-trips, including a region with the separator and never-published times', () => {
    const s = { customerId: 'c1', seq: 12, basis: -50, region: 'eu|west', tiers: [[0, 1, 1_700_000_000_000], [2, 2, -Infinity]] as [[0, 1, number], [2, 2, number]] };
    expect(decodeSnapshot('c1', encodeSnapshot(s))).toEqual(s);
    expect(() => decodeSnapshot('c1', '1|2|3')).toThrow(expect.objectContaining({ code: 'BAD_SNAPSHOT' }));
  });
});
