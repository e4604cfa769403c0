import { describe, expect, it } from 'vitest';
import { churnConfigFromEnv } from '../../../services/churn-watch/src/churn-config';
import { planBatch, type ChurnRecord } from '../../../shared/domain/src/churn/batch-planner';
import { DAY_MS, defaultThresholds } from '../../../shared/domain/src/churn/churn-types';
import type { AggregateFigures } from '../../../shared/contracts/src/keyspace/churn-watch/churn-state';

const day = (n: number) => Date.UTC(2024, 0, 1) + n * DAY_MS;
const figures = (at: number, o: Partial<AggregateFigures> = {}): AggregateFigures => ({
  seq: 1,
  watermark: at,
  revenueMinor: 1_000_000,
  profitMinor: 200_000,
  txCount: 100,
  firstActivityAt: day(0),
  lastActivityAt: at,
  currentRevenueMinor: 100_000,
  previousRevenueMinor: 100_000,
  currentCount: 10,
  previousCount: 10,
  ...o,
});

describe('churn-watch config', () => {
  it('has the documented defaults and names a bad variable', () => {
    const c = churnConfigFromEnv({});
    expect(c).toMatchObject({ prefix: 'tf:', timeMode: 'replay', thresholds: defaultThresholds });
    expect(churnConfigFromEnv({ KEY_TIERS: 'A', CHURN_COOLDOWN_DAYS: '3' }).thresholds).toMatchObject({ keyTiers: ['A'], cooldownMs: 3 * DAY_MS });
    expect(() => churnConfigFromEnv({ TIME_MODE: 'sometimes' })).toThrow(/TIME_MODE/);
    expect(() => churnConfigFromEnv({ KEY_TIERS: 'A,Z' })).toThrow(/KEY_TIERS/);
    expect(() => churnConfigFromEnv({ STRATEGY_MATRIX: '{"x":1}' })).toThrow(/STRATEGY_MATRIX/);
  });
});

describe('batch planner', () => {
  const records: ChurnRecord[] = [
    { kind: 'tier', customerId: 'S', eventId: 't1', fromTier: 'C', toTier: 'A', cause: null, causeOffset: null },
    { kind: 'aggregate', customerId: 'S', eventId: 'S:1', agg: figures(day(200)) }, // gap 2 d -> threshold 7 d
    { kind: 'aggregate', customerId: 'W', eventId: 'W:1', agg: figures(day(206)) },
    { kind: 'aggregate', customerId: 'W', eventId: 'W:2', agg: figures(day(220), { seq: 2 }) },
    { kind: 'aggregate', customerId: 'S', eventId: 'S:2', agg: figures(day(221), { seq: 2, watermark: day(221), lastActivityAt: day(221) }) },
  ];
  const plan = (rs: ChurnRecord[]) =>
    planBatch({
      records: rs,
      states: new Map(),
      dueTimers: [],
      satisfaction: new Map(),
      watermark: 0,
      timeMode: 'replay',
      clock: 0,
      thresholds: defaultThresholds,
    });

  it('fires the timers the watermark passes after each record, at their due time, before later records', () => {
    const p = plan(records);
    expect(p.events.map((e) => `${e.customerId} ${e.signal} ${e.status} ${e.severity} ${e.trigger}`)).toEqual([
      `S INACTIVITY RAISED MEDIUM timer:${day(207)}`,
      `S INACTIVITY RAISED HIGH timer:${day(210.5)}`,
      'S INACTIVITY RESOLVED HIGH S:2',
    ]);
    expect(p.timersFired).toBe(2);
    expect(p.watermark).toBe(day(221));
  });

  it('gives the same events however the records are split into batches', () => {
    const whole = plan(records).events;
    for (let cut = 1; cut < records.length; cut++) {
      const first = plan(records.slice(0, cut));
      const second = planBatch({
        records: records.slice(cut),
        states: new Map([...first.states].map(([k, v]) => [k, v])),
        dueTimers: [...first.states.values()].flatMap((s) => (s.timerDueAt === null ? [] : [{ customerId: s.customerId, dueAt: s.timerDueAt }])),
        satisfaction: new Map(),
        watermark: first.watermark,
        timeMode: 'replay',
        clock: 0,
        thresholds: defaultThresholds,
      });
      expect([...first.events, ...second.events]).toEqual(whole);
    }
  });

  it('applies a tier change right after its cause aggregate, whichever topic is read first', () => {
    const agg1: ChurnRecord = { kind: 'aggregate', customerId: 'S', eventId: 'S:1', agg: figures(day(200), { currentRevenueMinor: 50_000 }) };
    const up: ChurnRecord = { kind: 'tier', customerId: 'S', eventId: 'g|S|S:1', fromTier: 'C', toTier: 'A', cause: { customerId: 'S', seq: 1 }, causeOffset: null };
    const later: ChurnRecord = { kind: 'aggregate', customerId: 'W', eventId: 'W:1', agg: figures(day(230)) };
    const tierFirst = plan([up, agg1, later]);
    expect(tierFirst.staged.get('S')).toEqual([]); // staged, then released by S:1
    const aggFirst = plan([agg1, up, later]);
    const brief = (p: ReturnType<typeof plan>) => p.events.map((e) => `${e.signal} ${e.status} ${e.severity} ${e.trigger}`);
    expect(brief(tierFirst)).toEqual(brief(aggFirst));
    expect(brief(tierFirst)).toEqual([
      'REVENUE_DECLINE RAISED MEDIUM g|S|S:1',
      `INACTIVITY RAISED MEDIUM timer:${day(207)}`,
      `INACTIVITY RAISED HIGH timer:${day(210.5)}`,
    ]);
    // a tier change whose cause has not come stays staged
    const waiting = plan([up]);
    expect(waiting.staged.get('S')).toEqual([up]);
    expect(waiting.events).toEqual([]);
  });

  it('skips a tier change older than one applied: a repeat, or a staged one released after a later one', () => {
    const tier = (eventId: string, fromTier: 'A' | 'B' | 'C', toTier: 'A' | 'B' | 'C', causeOffset: number, cause: { customerId: string; seq: number } | null): ChurnRecord =>
      ({ kind: 'tier', customerId: 'K', eventId, fromTier, toTier, cause, causeOffset });
    const kAgg: ChurnRecord = { kind: 'aggregate', customerId: 'K', eventId: 'K:1', agg: figures(day(200)) };
    const xAgg: ChurnRecord = { kind: 'aggregate', customerId: 'X', eventId: 'X:5', agg: figures(day(201), { seq: 5 }) };
    const up = tier('global|K|K:1', 'C', 'A', 100, { customerId: 'K', seq: 1 });
    // X:5 was compacted away before churn-watch read it, so this one waits for it...
    const down = tier('global|K|X:5', 'A', 'B', 150, { customerId: 'X', seq: 5 });
    // ...while the ranker's next change of K (caused by a customer already applied) applies
    const back = tier('global|K|K:1b', 'B', 'A', 200, null);
    const p = plan([kAgg, up, down, back, xAgg, back]);
    expect(p.staged.get('X')).toEqual([]); // released by X:5, then skipped: K's tier stays the newer one
    expect(p.states.get('K')).toMatchObject({ tier: 'A', tierOffset: 200, downgrade: null });
    expect(p.events.filter((e) => e.signal === 'TIER_DOWNGRADE')).toEqual([]);
  });
});
