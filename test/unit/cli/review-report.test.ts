import { describe, expect, it } from 'vitest';
import { basisInfo } from '@tierflow/domain/explain/basis-label';
import type { PopulationSummary, TopRow } from '../../../shared/views/src/dashboard-data';
import { analyseReview } from '../../../tools/cli/src/review/review-analysis';
import type { ReviewData } from '../../../tools/cli/src/review/review-data';
import { reviewHtml } from '../../../tools/cli/src/review/review-html';
import { reviewMarkdown } from '../../../tools/cli/src/review/review-markdown';

const summary: PopulationSummary = {
  scope: 'global', customers: 10, totalBasisMinor: 100_000, available: true, asOf: Date.UTC(2026, 5, 1), basis: basisInfo('window-revenue', 90), currency: 'USD',
  tiers: [
    { tier: 'A', customers: 2, basisMinor: 80_000, share: 0.8 },
    { tier: 'B', customers: 3, basisMinor: 15_000, share: 0.15 },
    { tier: 'C', customers: 5, basisMinor: 5_000, share: 0.05 },
  ],
  concentration: { top20Share: 0.8, gini: 0.71, lorenz: [[0.1, 0.5], [0.2, 0.8], [0.5, 0.95], [1, 1]] },
  boundaries: { aMinBasisMinor: 30_000, bMinBasisMinor: 4_000, aThreshold: 0.8, bThreshold: 0.95 },
};
const top = (rank: number, id: string, tier: 'A' | 'B' | 'C', growth: number | null): TopRow => ({
  rank, customerId: id, name: `Name ${id}`, region: 'north', tier, basisMinor: 1000 * (10 - rank), cumulativeShare: 0, cumulativeShareBefore: 0, currentRevenueMinor: 100,
  previousRevenueMinor: 100, growth, trend: growth === null ? null : growth < 0 ? 'down' : 'up',
});
const change = (id: string, from: string, to: string, t: number, scope = 'global', reason = 'BASIS_CHANGE') => ({
  customerId: id, scope, fromTier: from, toTier: to, direction: from < to ? 'DOWNGRADE' : 'UPGRADE', reason, rank: 3, basisMinor: 500, eventTime: t,
  rawTier: to, populationSize: 10, cumulativeShareBefore: to === 'A' ? 0.5 : 0.9, totalBasisMinor: 100_000, tierMode: 'share', thresholdA: 0.8, thresholdB: 0.95,
  hysteresisMargin: 0, boundaryCountA: 2, boundaryCountB: 5, boundaryBasisA: 30_000, boundaryBasisB: 4_000,
});
const account = (id: string, tier: string, churnScore: number | null = null) => ({
  customerId: id, name: `Name ${id}`, accountManager: `am-${id}`, tier, churnScore, strategy: 'develop',
  risks: churnScore ? [{ signal: 'INACTIVITY', severity: 'HIGH', sentence: 'No transaction for 30.0 days (raised after 7.0 days of silence; the usual gap is 2.0 days).' }] : [],
});
const risk = (id: string, signal: string, status: string, t: number, tier = 'A') => ({
  customerId: id, signal, status, severity: 'HIGH', score: 0.8, tier, eventTime: t, strategy: 'develop-and-defend', summary: null,
});

const data: ReviewData = {
  scope: 'global', generatedAt: Date.UTC(2026, 5, 2), periodStart: Date.UTC(2026, 4, 1), periodEnd: Date.UTC(2026, 5, 1), currency: 'USD',
  summary,
  top: [top(1, 'K1', 'A', 0.1), top(2, 'K2', 'A', -0.5), top(3, 'K3', 'B', -0.1), top(4, 'K4', 'C', -0.9)],
  // K2 flaps A→B→A→B (net A→B, one row); K3 A→B→A (no net move); K8 is first classified as B; K7 only in a region
  tierChanges: [
    change('K2', 'A', 'B', 3), change('K2', 'B', 'A', 4), change('K2', 'A', 'B', 5), change('K3', 'A', 'B', 3), change('K3', 'B', 'A', 7),
    change('K9', 'B', 'A', 4, 'global', 'BOUNDARY_SHIFT'), change('K8', 'C', 'B', 5, 'global', 'SCOPE_JOIN'), change('K7', 'A', 'B', 6, 'region:north'),
  ],
  accounts: Object.fromEntries([account('K1', 'A'), account('K2', 'B', 1), account('K3', 'A'), account('K8', 'B'), account('K9', 'A'), account('K6', 'C', 0.5)].map((a) => [a.customerId, a])),
  basis: basisInfo('window-revenue', 90),
  churnRisks: [
    risk('K2', 'REVENUE_DECLINE', 'RAISED', 1),
    risk('K5', 'INACTIVITY', 'RAISED', 1),
    risk('K5', 'INACTIVITY', 'RESOLVED', 2),
    risk('K6', 'INACTIVITY', 'RAISED', 1, 'C'),
  ],
};

describe('review analysis', () => {
  it('churn as the cards show it, declining top accounts, one net move per customer with name, manager and why', () => {
    const f = analyseReview(data);
    expect(f.churning.map((c) => [c.customerId, c.score])).toEqual([['K2', 1], ['K6', 0.5]]);
    expect(f.declining.map((d) => d.customerId)).toEqual(['K2']);
    expect(f.moves.map((m) => [m.customerId, m.fromTier, m.toTier, m.kind, m.events])).toEqual([
      ['K9', 'B', 'A', 'upgrade', 1],
      ['K2', 'A', 'B', 'downgrade', 3],
      ['K8', null, 'B', 'first-classification', 1],
    ]);
    expect(f.movements).toEqual({ upgrades: 1, downgrades: 1, firstClassifications: 1, events: 7, byPath: [{ path: 'A→B', count: 1 }, { path: 'B→A', count: 1 }, { path: 'new→B', count: 1 }] });
    const k2 = f.moves.find((m) => m.customerId === 'K2')!;
    expect([k2.name, k2.accountManager, k2.cardTier]).toEqual(['Name K2', 'am-K2', 'B']);
    expect(k2.explanation).toMatch(/^Name K2 moved down from A to B in global\. Tier B: rank 3 of 10\./);
    expect(f.lostKeyAccounts.map((c) => c.customerId)).toEqual(['K2']);
    expect(f.newKeyAccounts.map((c) => c.customerId)).toEqual(['K9']);
  });
});

describe('review renderers', () => {
  it('writes Markdown with the concentration table, churn answer and movements', () => {
    const md = reviewMarkdown(data);
    expect(md).toContain('# Key-account review — global');
    expect(md).toContain('| A | 2 | 800.00 USD | 80.0% |');
    expect(md).toContain('The top 20% of customers hold 80.0% of it; Gini 0.710.');
    expect(md).toContain('2 customers have active churn signals (as their cards show them now):');
    expect(md).toContain('| Name K2 (K2) | am-K2 | B | 1.00 | INACTIVITY (HIGH): No transaction for 30.0 days');
    expect(md).toContain('3 customers moved in global during the period (net, one row each): 1 up, 1 down, 1 first classified; from 7 tier-change events.');
    expect(md).toContain('### Left tier A');
    expect(md).toContain('| Name K8 (K8) | am-K8 | new→B |');
  });

  it('writes self-contained HTML with inline SVG charts and escaped text', () => {
    const html = reviewHtml({ ...data, top: [{ ...top(1, 'K1', 'A', 0.1), name: '<script>x</script>' }] });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('aria-label="Lorenz curve"');
    expect(html).toContain('aria-label="tier distribution"');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('<th>Tier</th>');
  });
});
