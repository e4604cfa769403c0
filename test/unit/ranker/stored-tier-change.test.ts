import { describe, expect, it } from 'vitest';
import { decodeStoredTierChange, encodeStoredTierChange, impliedStoredTierChange, StoredTierChangeError } from '../../../shared/contracts/src/keyspace/ranker/stored-tier-change';
import { tierChangeEventId, type TierChange } from '../../../shared/contracts/src/events/event-types';
import type { StoredTierContext } from '../../../shared/contracts/src/keyspace/ranker/stored-tier-context';

function change(i: number): TierChange {
  const scope = i % 3 === 0 ? 'global' : `region:r${i % 5}`;
  const customerId = `cust-${i}-"quoted"-é`;
  const causeEventId = `${customerId}:${i + 1}`;
  const left = i % 7 === 0;
  return {
    eventId: tierChangeEventId(scope, customerId, causeEventId),
    customerId, scope,
    fromTier: 'B', toTier: left ? 'C' : 'A', direction: left ? 'DOWNGRADE' : 'UPGRADE',
    reason: left ? 'SCOPE_LEAVE' : 'BASIS_CHANGE', rawTier: left ? 'C' : 'A',
    rank: left ? null : i + 1, populationSize: 1000 + i, basisMinor: i * 1234.5,
    cumulativeShareBefore: left ? null : i / 1003, totalBasisMinor: 9_007_199_254_740_991 - i,
    tierMode: i % 2 ? 'share' : 'count', thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: 0.01 * (i % 3), minDwellMs: 60_000 * (i % 2),
    boundaryCountA: 10 + i, boundaryCountB: 30 + i, boundaryBasisA: i % 4 === 0 ? null : 5000.25, boundaryBasisB: i % 5 === 0 ? null : 100,
    configVersion: 'abc123', eventTime: 1_795_000_000_000 + i, causeEventId, causeCustomerId: i % 2 ? customerId : 'other',
    causeOffset: i % 6 === 0 ? null : 40_000_000 + i,
  };
}

describe('stored TierChange', () => {
  it('round-trips every field, nulls and odd characters included, in well under half the object form', () => {
    let stored = 0;
    let object = 0;
    for (let i = 0; i < 200; i++) {
      const e = change(i);
      const s = encodeStoredTierChange(e);
      expect(s.startsWith('["t1",')).toBe(true);
      expect(decodeStoredTierChange(s)).toEqual(e);
      stored += s.length;
      object += JSON.stringify(e).length;
    }
    expect(stored / object).toBeLessThan(0.55);
  });

  it('with the ranker\'s context: the compact t2 line round-trips every field, shorter than t1', () => {
    let compact = 0;
    let t1 = 0;
    for (let i = 0; i < 200; i++) {
      const e = { ...change(i), customerId: `C${i}`, causeCustomerId: i % 2 ? `C${i}` : 'other' };
      const fixed = { ...e, eventId: tierChangeEventId(e.scope, e.customerId, e.causeEventId) };
      const ctx: StoredTierContext = { tierMode: fixed.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: fixed.hysteresisMargin, minDwellMs: fixed.minDwellMs, configVersion: 'abc123' };
      const s = encodeStoredTierChange(fixed, ctx);
      expect(s.startsWith('2|')).toBe(true);
      expect(decodeStoredTierChange(s, ctx)).toEqual(fixed);
      // in a customer's history the key names scope and customer
      const h = encodeStoredTierChange(fixed, ctx, true);
      expect(h.length).toBeLessThan(s.length);
      expect(decodeStoredTierChange(h, ctx, { scope: fixed.scope, customerId: fixed.customerId })).toEqual(fixed);
      // another context (a change made under other rules) keeps t1
      expect(encodeStoredTierChange(fixed, { ...ctx, configVersion: 'other' }).startsWith('["t1",')).toBe(true);
      expect(() => decodeStoredTierChange(s)).toThrow(/needs the ranker's context/);
      compact += s.length;
      t1 += encodeStoredTierChange(fixed).length;
    }
    expect(compact / t1).toBeLessThan(0.65); // these test values are long numbers; real changes are about a third
    // a value holding the separator keeps t1
    const odd = change(2);
    expect(encodeStoredTierChange(odd, { tierMode: odd.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: odd.hysteresisMargin, minDwellMs: odd.minDwellMs, configVersion: 'abc123' }).startsWith('2|')).toBe(true);
    const piped = { ...odd, customerId: 'a|b', eventId: tierChangeEventId(odd.scope, 'a|b', odd.causeEventId) };
    expect(encodeStoredTierChange(piped, { tierMode: odd.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: odd.hysteresisMargin, minDwellMs: odd.minDwellMs, configVersion: 'abc123' }).startsWith('["t1",')).toBe(true);
  });

  it('reads t1 and t2 entries of the version before causeOffset (one value fewer) with a null causeOffset', () => {
    const ctx: StoredTierContext = { tierMode: 'share', thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: 0, minDwellMs: 0, configVersion: 'abc123' };
    const e = { ...change(3), tierMode: 'share' as const, hysteresisMargin: 0, minDwellMs: 0, causeOffset: 77 };
    const t2 = encodeStoredTierChange(e, ctx);
    expect(t2.endsWith('|77')).toBe(true);
    expect(decodeStoredTierChange(t2.slice(0, -'|77'.length), ctx)).toEqual({ ...e, causeOffset: null });
    const t1 = JSON.parse(encodeStoredTierChange(e)) as unknown[];
    expect(t1[t1.length - 1]).toBe(77);
    expect(decodeStoredTierChange(JSON.stringify(t1.slice(0, -1)))).toEqual({ ...e, causeOffset: null });
  });

  it('reads entries written in the object form by earlier versions', () => {
    const e = change(3);
    expect(decodeStoredTierChange(JSON.stringify(e))).toEqual(e);
  });

  it('keeps the object form for an eventId that could not be rebuilt', () => {
    const e = { ...change(4), eventId: 'made-elsewhere' };
    const s = encodeStoredTierChange(e);
    expect(s.startsWith('{')).toBe(true);
    expect(decodeStoredTierChange(s)).toEqual(e);
  });

  it('rejects what is not a stored tier change, naming it', () => {
    expect(() => decodeStoredTierChange('["t9",1]')).toThrow(StoredTierChangeError);
    expect(() => decodeStoredTierChange('{"x":1}')).toThrow(/not a stored tier change/);
    expect(() => decodeStoredTierChange('["t1","too","short"]')).toThrow(/unknown stored tier change format/);
  });
});

describe('impliedStoredTierChange', () => {
  it('gives from the stored form exactly what encoding for the history gives, in every form', () => {
    let compact = 0;
    for (let i = 0; i < 200; i++) {
      const base = change(i);
      // plain ids fit t2 under this context; quoted ids, other contexts and odd eventIds do not
      const e = i % 4 === 0 ? base : { ...base, customerId: `C${i}`, causeCustomerId: i % 2 ? `C${i}` : 'other', causeEventId: `C${i}:${i + 1}` };
      const fixed = i % 10 === 9 ? { ...e, eventId: 'not-rebuildable' } : { ...e, eventId: tierChangeEventId(e.scope, e.customerId, e.causeEventId) };
      // the change's own context, one that is not its own, none
      const own: StoredTierContext = { tierMode: fixed.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: fixed.hysteresisMargin, minDwellMs: fixed.minDwellMs, configVersion: 'abc123' };
      for (const c of [own, { ...own, configVersion: 'other' }, null]) {
        const stored = encodeStoredTierChange(fixed, c);
        if (stored.startsWith('2|')) compact++;
        expect(impliedStoredTierChange(stored)).toBe(encodeStoredTierChange(fixed, c, true));
      }
    }
    expect(compact).toBeGreaterThan(20);
  });
});
