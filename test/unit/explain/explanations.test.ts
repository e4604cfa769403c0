import { describe, expect, it } from 'vitest';
import { basisInfo } from '@tierflow/domain/explain/basis-label';
import { formatMoney } from '@tierflow/domain/explain/money-format';
import { explainChurnRisk, explainSignal } from '@tierflow/domain/explain/risk-explanation';
import { explainTier, explainTierChange } from '@tierflow/domain/explain/tier-explanation';
import { tierEventKind } from '@tierflow/domain/explain/tier-event-kind';

const revenue = basisInfo('window-revenue', 90);

describe('money format', () => {
  it('uses the currency minor digits, the same for every value', () => {
    expect(formatMoney(10654100, 'USD')).toBe('$106,541.00');
    expect(formatMoney(2496179, 'USD')).toBe('$24,961.79');
    expect(formatMoney(1234, 'JPY')).toBe('¥1,234');
    expect(formatMoney(null, 'USD')).toBe('—');
  });
});

describe('basis labels', () => {
  it('follow the configured basis', () => {
    expect(basisInfo('composite', 90).label).toBe('Composite score');
    expect(basisInfo('lifetime-revenue', 90).label).toBe('Lifetime revenue');
    expect(revenue.label).toBe('Revenue (90 d)');
  });
});

describe('why this tier', () => {
  const base = { population: 60, tierMode: 'share', thresholdA: 0.8, thresholdB: 0.95, boundaryCountA: 12, boundaryCountB: 25, boundaryBasisA: 150000, boundaryBasisB: 40000, basis: revenue, currency: 'USD' };
  it('names rank, the share before it, the threshold and the boundary (A)', () => {
    expect(explainTier({ ...base, tier: 'A', rank: 3, basisMinor: 500000, cumulativeShareBefore: 0.412 })).toBe(
      "Tier A: rank 3 of 60. The 2 customers ranked before it hold 41.2% of the scope's revenue of the last 90 days, below the A threshold of 80%, so it is A. A ends at rank 12 ($1,500.00).",
    );
  });
  it('B between the thresholds, with both boundaries', () => {
    expect(explainTier({ ...base, tier: 'B', rank: 14, basisMinor: 90000, cumulativeShareBefore: 0.83 })).toBe(
      "Tier B: rank 14 of 60. The 13 customers ranked before it hold 83.0% of the scope's revenue of the last 90 days, at or above the A threshold of 80% and below the B threshold of 95%, so it is B. A ends at rank 12 ($1,500.00); B ends at rank 25 ($400.00).",
    );
  });
  it('rank 1 has nobody before it; hysteresis is named when the exact tier differs', () => {
    expect(explainTier({ ...base, tier: 'A', rank: 1, basisMinor: 900000, cumulativeShareBefore: 0 })).toContain('No customer is ranked before it (0.0%)');
    expect(explainTier({ ...base, tier: 'A', rawTier: 'B', hysteresisMargin: 0.02, rank: 13, basisMinor: 100000, cumulativeShareBefore: 0.81 })).toContain(
      'The exact tier is B; hysteresis (margin 2.0%) keeps the published tier at A',
    );
  });
  it('non-positive basis is C', () => {
    expect(explainTier({ ...base, tier: 'C', rank: 60, basisMinor: -500, cumulativeShareBefore: 1 })).toBe(
      'Tier C: rank 60 of 60. Its revenue of the last 90 days is -$5.00: only a positive value can make A or B.',
    );
  });
  it('a first classification is not a move', () => {
    const e = { customerId: 'C1', scope: 'global', fromTier: 'C', toTier: 'A', direction: 'UPGRADE', reason: 'SCOPE_JOIN', rank: 1, populationSize: 1, basisMinor: 100, cumulativeShareBefore: 0, tierMode: 'share', thresholdA: 0.8, thresholdB: 0.95, boundaryBasisA: 100, boundaryBasisB: 100 };
    expect(tierEventKind(e)).toBe('first-classification');
    expect(explainTierChange(e, revenue, 'USD', 'Acme')).toMatch(/^Acme was first classified as A in global\. Tier A: rank 1 of 1\./);
    expect(explainTierChange({ ...e, reason: 'BOUNDARY_SHIFT', fromTier: 'B', direction: 'UPGRADE' }, revenue, 'USD')).toMatch(/^C1 moved up from B to A in global \(other customers moved the boundary\)\./);
  });
});

describe('why this risk', () => {
  it('states measured values against thresholds', () => {
    expect(explainSignal({ signal: 'INACTIVITY', figures: { silentMs: 7.6 * 86_400_000, thresholdMs: 7.5 * 86_400_000, usualGapMs: 3.7 * 86_400_000 } }, 'USD')).toBe(
      'No transaction for 7.6 days (raised after 7.5 days of silence; the usual gap is 3.7 days).',
    );
    expect(explainSignal({ signal: 'REVENUE_DECLINE', figures: { currentRevenueMinor: 120000, previousRevenueMinor: 340000, dropRatio: 1 - 120000 / 340000, thresholdRatio: 0.3, minPreviousRevenueMinor: 100000 } }, 'USD')).toBe(
      'Revenue $1,200.00 in the current window against $3,400.00 in the previous one: 64.7% down (raised from 30.0% down, when the previous window had at least $1,000.00).',
    );
    expect(explainChurnRisk({ signal: 'FREQUENCY_DROP', status: 'RAISED', severity: 'MEDIUM', score: 0.6, tier: 'A', explanation: [{ signal: 'FREQUENCY_DROP', figures: { currentCount: 4, previousCount: 10, dropRatio: 0.6, thresholdRatio: 0.5, minPreviousCount: 4 } }] }, 'USD', 'Acme')).toBe(
      'Acme: churn risk: fewer transactions, medium (tier A, score 0.60). 4 transactions in the current window against 10 in the previous one: 60.0% fewer (raised from 50.0% fewer, when the previous window had at least 4).',
    );
  });
});
