import { describe, expect, it } from 'vitest';
import { buildCardCore, lastMonths, parseMonthValue } from '../../../shared/views/src/customer-card';

const aggregate = {
  customerId: 'T1', seq: '9', currency: 'USD', watermark: String(Date.UTC(2026, 2, 15)), eventTime: String(Date.UTC(2026, 2, 15)),
  revenueMinor: '100000', costMinor: '60000', profitMinor: '40000', txCount: '20', paymentCount: '3', balanceMinor: '70000',
  firstActivityAt: String(Date.UTC(2025, 0, 2)), lastActivityAt: String(Date.UTC(2026, 2, 14)),
  currentWindowDays: '30', currentRevenueMinor: '5000', currentProfitMinor: '1000', currentCount: '2',
  previousRevenueMinor: '10000', previousProfitMinor: '4000', previousCount: '4',
  rankingWindowDays: '90', rankingRevenueMinor: '30000', rankingProfitMinor: '9000', rankingCount: '8',
};

describe('buildCardCore', () => {
  it('is null for an unknown customer (no aggregate, no profile)', () => {
    expect(buildCardCore('T9', { aggregate: null, months: {}, profile: null }, 0)).toBeNull();
  });

  it('computes margins, growth, credit over-limit and lists missing profile fields', () => {
    const card = buildCardCore('T1', {
      aggregate,
      months: { '202603': '5000:1000:2', '202505': '7000:2000:3', '202502': '1:1:1' },
      profile: { customerId: 'T1', name: 'Atlas Freight', region: 'north', accountManager: 'am@x', creditLimitMinor: '50000', updatedAt: '1' },
    }, Date.UTC(2030, 0, 1));
    expect(card).not.toBeNull();
    const c = card!;
    expect(c.lifetime).toMatchObject({ revenueMinor: 100000, profitMinor: 40000, margin: 0.4, count: 20 });
    expect(c.current).toMatchObject({ revenueMinor: 5000, margin: 0.2, windowDays: 30 });
    expect(c.growth).toBeCloseTo(-0.5);
    expect(c.credit).toEqual({ limitMinor: 50000, termDays: null, balanceMinor: 70000, overLimitMinor: 20000, overLimit: true });
    expect(c.missingProfileFields).toEqual(['address', 'phone', 'legalRepresentative', 'industry', 'creditTermDays']);
    // the trend ends at the watermark's month (event time), not the wall clock, and is zero-filled
    expect(c.trend).toHaveLength(12);
    expect(c.trend[0]?.month).toBe('2025-04');
    expect(c.trend[11]).toEqual({ month: '2026-03', revenueMinor: 5000, profitMinor: 1000, count: 2 });
    expect(c.trend.find((m) => m.month === '2025-05')).toEqual({ month: '2025-05', revenueMinor: 7000, profitMinor: 2000, count: 3 });
    expect(c.trend.find((m) => m.month === '2025-06')?.revenueMinor).toBe(0);
    expect(c.asOf).toBe(Date.UTC(2026, 2, 15));
  });

  it('shows a profile-only customer with every business figure at zero and all credit unknown but the limit', () => {
    const c = buildCardCore('T2', { aggregate: null, months: {}, profile: { customerId: 'T2', creditLimitMinor: '100', updatedAt: '1' } }, Date.UTC(2026, 0, 10))!;
    expect(c.lifetime.revenueMinor).toBe(0);
    expect(c.lifetime.margin).toBeNull();
    expect(c.credit.overLimit).toBeNull();
    expect(c.missingProfileFields).toContain('name');
    expect(c.trend[11]?.month).toBe('2026-01');
  });

  it('formats months across a year boundary', () => {
    expect(lastMonths(Date.UTC(2026, 1, 1), 3)).toEqual(['202512', '202601', '202602']);
    expect(parseMonthValue('12:-3:4')).toEqual({ revenueMinor: 12, profitMinor: -3, count: 4 });
    expect(parseMonthValue(undefined)).toEqual({ revenueMinor: 0, profitMinor: 0, count: 0 });
  });
});
