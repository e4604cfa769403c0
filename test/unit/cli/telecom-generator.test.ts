import { describe, expect, it } from 'vitest';
import { createPopulation } from '../../../tools/cli/src/simulate/telecom-population';
import { behaviourFactor, DAY_MS, TelecomStream } from '../../../tools/cli/src/simulate/telecom-stream';

const endDay = Math.floor(Date.UTC(2026, 10, 1) / DAY_MS);
const params = { seed: 7, customers: 2_000, startDay: endDay - 120, endDay };

describe('telecom population', () => {
  it('is deterministic for a seed and assigns regions and account managers', () => {
    const a = createPopulation(params);
    expect(createPopulation(params)).toEqual(a);
    expect(createPopulation({ ...params, seed: 8 })).not.toEqual(a);
    for (const account of a) {
      expect(account.profile.region).toBe(account.region);
      expect(account.profile.accountManager).toMatch(new RegExp(`^am\\.${account.region}\\.\\d@`));
    }
    expect(new Set(a.map((x) => x.region)).size).toBe(5);
  });

  it('is Pareto-concentrated: the top 20% of accounts hold most of the spend', () => {
    const spend = createPopulation(params).map((a) => a.monthlySpendMinor).sort((x, y) => y - x);
    const total = spend.reduce((s, x) => s + x, 0);
    const top = spend.slice(0, spend.length / 5).reduce((s, x) => s + x, 0);
    expect(top / total).toBeGreaterThan(0.6);
    expect(top / total).toBeLessThan(0.95);
  });

  it('has key accounts that decline or go silent late in the period, and incomplete profiles', () => {
    const accounts = createPopulation(params);
    const declining = accounts.filter((a) => a.behaviour === 'declining');
    const silent = accounts.filter((a) => a.behaviour === 'silent');
    expect(declining.length).toBeGreaterThan(10);
    expect(silent.length).toBeGreaterThan(5);
    for (const a of [...declining, ...silent]) {
      expect(a.changeDay).toBeGreaterThanOrEqual(endDay - 40);
      expect(a.changeDay).toBeLessThan(endDay);
    }
    const silentOne = silent[0];
    expect(silentOne && behaviourFactor(silentOne, silentOne.changeDay)).toBe(0);
    expect(accounts.some((a) => a.profile.phone === null || a.profile.legalRepresentative === null)).toBe(true);
  });
});

describe('telecom stream', () => {
  it('produces valid, time-ordered, uniquely identified days with refunds and payments', () => {
    const accounts = createPopulation({ ...params, customers: 300 });
    const stream = new TelecomStream({ seed: 7, accounts });
    const events = [];
    for (let d = params.startDay; d < endDay; d++) events.push(...stream.day(d));
    const ids = new Set(events.map((e) => e.transactionId));
    expect(ids.size).toBe(events.length);
    const kinds = new Set(events.map((e) => e.kind));
    expect(kinds).toEqual(new Set(['CHARGE', 'REFUND', 'PAYMENT', 'ADJUSTMENT']));
    for (const e of events) {
      expect(Number.isInteger(e.amountMinor)).toBe(true);
      if (e.kind !== 'ADJUSTMENT') expect(e.amountMinor).toBeGreaterThan(0);
      expect(e.occurredAt).toBeGreaterThanOrEqual(params.startDay * DAY_MS);
      expect(e.occurredAt).toBeLessThan(endDay * DAY_MS);
    }
    const day = stream.day(endDay - 1);
    expect(day.map((e) => e.occurredAt)).toEqual([...day.map((e) => e.occurredAt)].sort((a, b) => a - b));
  });

  it('replays the same history for the same seed', () => {
    const accounts = createPopulation({ ...params, customers: 100 });
    const a = new TelecomStream({ seed: 7, accounts });
    const b = new TelecomStream({ seed: 7, accounts });
    for (let d = endDay - 10; d < endDay; d++) expect(a.day(d)).toEqual(b.day(d));
  });

  it('silent accounts produce nothing after they go silent; live sampling gives the asked count', () => {
    const accounts = createPopulation(params);
    const stream = new TelecomStream({ seed: 7, accounts, runId: 'r1' });
    const silent = new Set(accounts.filter((a) => a.behaviour === 'silent').map((a) => a.customerId));
    const late = stream.day(endDay - 1);
    expect(late.filter((e) => silent.has(e.customerId) && e.kind !== 'PAYMENT')).toEqual([]);
    const live = stream.live(endDay * DAY_MS + 1000, 50);
    // a scaled live stream (a fast demo standing for a real pace) keeps the same accounts, smaller amounts
    const twin = new TelecomStream({ seed: 7, accounts, runId: 'r1' });
    const scaled = twin.live(endDay * DAY_MS + 1000, 50, 0.1);
    expect(scaled.map((e) => e.customerId)).toEqual(live.map((e) => e.customerId));
    const sum = (es: typeof live) => es.filter((e) => e.kind === 'CHARGE').reduce((s, e) => s + e.amountMinor, 0);
    expect(sum(scaled)).toBeLessThan(sum(live) * 0.12);
    expect(stream.chargesPerSecond).toBeGreaterThan(0);
    expect(live).toHaveLength(50);
    for (const e of live) {
      expect(silent.has(e.customerId)).toBe(false);
      expect(e.occurredAt - (endDay * DAY_MS + 1000)).toBeGreaterThanOrEqual(0);
      expect(e.occurredAt - (endDay * DAY_MS + 1000)).toBeLessThanOrEqual(60_000);
    }
  });
});
