import { describe, expect, it } from 'vitest';
import { classifyAttractiveness } from '../../../shared/domain/src/strategy/attractiveness';
import { customerStanding } from '../../../shared/domain/src/strategy/customer-standing';
import { classifyRelationship, type RelationshipInput } from '../../../shared/domain/src/strategy/relationship';
import type { Attractiveness, Relationship } from '../../../shared/contracts/src/events/event-types';
import type { Tier } from '../../../shared/contracts/src/tier';

const DAY = 86_400_000;

describe('attractiveness from tier, margin and growth', () => {
  const base = { revenueMinor: 100_000, profitMinor: 20_000, currentRevenueMinor: 10_000, previousRevenueMinor: 10_000 };
  it.each<[Tier, number, number, Attractiveness]>([
    ['A', 20_000, 10_000, 'HIGH'], // 2 + 0 + 0
    ['A', 5_000, 10_000, 'MEDIUM'], // low margin: 2 - 1
    ['A', 5_000, 5_000, 'LOW'], // low margin, shrinking: 2 - 1 - 1
    ['B', 20_000, 10_000, 'MEDIUM'], // 1
    ['B', 40_000, 10_000, 'HIGH'], // high margin: 1 + 1
    ['C', 20_000, 10_000, 'LOW'], // 0
    ['C', 40_000, 20_000, 'HIGH'], // high margin and growth: 0 + 1 + 1
  ])('tier %s, profit %d, current %d -> %s', (tier, profit, current, expected) => {
    const r = classifyAttractiveness({ ...base, tier, profitMinor: profit, currentRevenueMinor: current });
    expect(r.level).toBe(expected);
    expect(r.parts.map((p) => p.factor)).toEqual(['tier', 'profitMargin', 'growth']);
  });

  it('no revenue gives neutral margin and growth', () => {
    const r = classifyAttractiveness({ tier: 'B', revenueMinor: 0, profitMinor: 0, currentRevenueMinor: 0, previousRevenueMinor: 0 });
    expect(r).toMatchObject({ level: 'MEDIUM', points: 1 });
  });
});

describe('relationship from tenure, regularity, trend and satisfaction', () => {
  const base: RelationshipInput = { tenureMs: 200 * DAY, silentMs: 10 * DAY, usualGapMs: 10 * DAY, growth: 0, satisfactionScore: null };
  it.each<[string, Partial<RelationshipInput>, Relationship]>([
    ['regular, mid tenure', {}, 'AVERAGE'], // 0 + 1 + 0
    ['regular, long tenure', { tenureMs: 400 * DAY }, 'GOOD'], // 1 + 1
    ['satisfied', { satisfactionScore: 0.9 }, 'GOOD'], // 1 + 1
    ['dissatisfied', { satisfactionScore: 0.1 }, 'AVERAGE'], // 1 - 1
    ['silent and shrinking', { silentMs: 40 * DAY, growth: -0.5 }, 'POOR'], // -1 - 1
    ['new and irregular', { tenureMs: 30 * DAY, silentMs: 35 * DAY }, 'POOR'],
    ['no usual gap yet', { usualGapMs: null, tenureMs: 100 * DAY }, 'AVERAGE'],
  ])('%s -> %s', (_name, over, expected) => {
    expect(classifyRelationship({ ...base, ...over }).level).toBe(expected);
  });
});

describe('customer standing reaches every cell of the matrix', () => {
  const now = 1_000 * DAY;
  // lifetime figures; tenure and regularity set by first/last activity and count
  const figures = (o: { margin: number; growth: number; tenureDays: number; silentDays: number }) => ({
    revenueMinor: 1_000_000,
    profitMinor: Math.round(1_000_000 * o.margin),
    txCount: 10,
    firstActivityAt: now - o.tenureDays * DAY,
    lastActivityAt: now - o.silentDays * DAY,
    currentRevenueMinor: Math.round(100_000 * (1 + o.growth)),
    previousRevenueMinor: 100_000,
  });
  // tenure 200 d, 10 tx: usual gap ~20 d
  const good = { tenureDays: 400, silentDays: 5, satisfaction: 0.9 }; // +1 +1 +1 (trend from growth)
  const average = { tenureDays: 200, silentDays: 5, satisfaction: null }; // 0 +1
  const poor = { tenureDays: 200, silentDays: 150, satisfaction: 0.1 }; // 0 -1 -1
  const rel = { GOOD: good, AVERAGE: average, POOR: poor } as const;
  const attr = {
    HIGH: { tier: 'A' as Tier, margin: 0.2, growth: 0 },
    MEDIUM: { tier: 'B' as Tier, margin: 0.2, growth: 0 },
    LOW: { tier: 'C' as Tier, margin: 0.2, growth: 0 },
  } as const;
  const expected: Record<Attractiveness, Record<Relationship, string>> = {
    HIGH: { POOR: 'maintain-and-develop', AVERAGE: 'develop', GOOD: 'develop-and-defend' },
    MEDIUM: { POOR: 'maintain-minimally', AVERAGE: 'maintain-selectively', GOOD: 'defend' },
    LOW: { POOR: 'exit', AVERAGE: 'maintain-minimally', GOOD: 'defend-selectively' },
  };
  for (const a of ['HIGH', 'MEDIUM', 'LOW'] as const) {
    for (const r of ['POOR', 'AVERAGE', 'GOOD'] as const) {
      it(`${a} x ${r}`, () => {
        const s = customerStanding({
          tier: attr[a].tier,
          figures: figures({ margin: attr[a].margin, growth: attr[a].growth, tenureDays: rel[r].tenureDays, silentDays: rel[r].silentDays }),
          satisfactionScore: rel[r].satisfaction,
          now,
        });
        expect(s).toEqual({ attractiveness: a, relationship: r, strategy: expected[a][r] });
      });
    }
  }
});
