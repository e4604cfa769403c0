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

  it('with the ranker\'s context: the compact t3 line round-trips every field, shorter than t1', () => {
    let compact = 0;
    let t1 = 0;
    for (let i = 0; i < 200; i++) {
      const e = { ...change(i), customerId: `C${i}`, causeCustomerId: i % 2 ? `C${i}` : 'other' };
      const fixed = { ...e, eventId: tierChangeEventId(e.scope, e.customerId, e.causeEventId) };
      const ctx: StoredTierContext = { tierMode: fixed.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: fixed.hysteresisMargin, minDwellMs: fixed.minDwellMs, configVersion: 'abc123' };
      const s = encodeStoredTierChange(fixed, ctx);
      expect(s.startsWith('3|')).toBe(true);
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
    expect(encodeStoredTierChange(odd, { tierMode: odd.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: odd.hysteresisMargin, minDwellMs: odd.minDwellMs, configVersion: 'abc123' }).startsWith('3|')).toBe(true);
    const piped = { ...odd, customerId: 'a|b', eventId: tierChangeEventId(odd.scope, 'a|b', odd.causeEventId) };
    expect(encodeStoredTierChange(piped, { tierMode: odd.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: odd.hysteresisMargin, minDwellMs: odd.minDwellMs, configVersion: 'abc123' }).startsWith('["t1",')).toBe(true);
  });

  it('writes a real change as the t3 line worked out by hand: base-36 numbers, the basis ranked above for the share', () => {
    const ctx: StoredTierContext = { tierMode: 'share', thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: 0, minDwellMs: 0, configVersion: 'v1' };
    // a change from the pipeline benchmark: 6,971,929,204 of 9,180,787,041 ranked above it
    const e: TierChange = {
      eventId: tierChangeEventId('global', 'C017968', 'C017968:4'), customerId: 'C017968', scope: 'global',
      fromTier: 'B', toTier: 'A', direction: 'UPGRADE', reason: 'BASIS_CHANGE', rawTier: 'A', rank: 31379, populationSize: 98583,
      basisMinor: 83553, cumulativeShareBefore: 6971929204 / 9180787041, totalBasisMinor: 9180787041, ...ctx,
      boundaryCountA: 36108, boundaryCountB: 61743, boundaryBasisA: 74162, boundaryBasisB: 36824, eventTime: 1751242817935,
      causeEventId: 'C017968:4', causeCustomerId: 'C017968', causeOffset: 372830,
    };
    // 31379 = o7n, 98583 = 242f, 83553 = 1sgx, 6971929204 = 37awn04, 9180787041 = 47u04m9, 36108 = rv0,
    // 61743 = 1bn3, 74162 = 1l82, 36824 = sew, 1751242817935 = mcicrafj, 372830 = 7zoe (base 36)
    const line = '3|global|C017968|BAA|0|o7n|242f|1sgx|37awn04|47u04m9|rv0|1bn3|1l82|sew|mcicrafj|:4||7zoe';
    expect(encodeStoredTierChange(e, ctx)).toBe(line);
    expect(encodeStoredTierChange(e, ctx, true)).toBe('3|||BAA|0|o7n|242f|1sgx|37awn04|47u04m9|rv0|1bn3|1l82|sew|mcicrafj|:4||7zoe');
    expect(decodeStoredTierChange(line, ctx)).toEqual(e);
    // the t2 line of the same change, as earlier versions wrote it, reads the same
    const t2 = '2|global|C017968|BAA|0|31379|98583|83553|0.7594043051934898|9180787041|36108|61743|74162|36824|1751242817935|:4||372830';
    expect(decodeStoredTierChange(t2, ctx)).toEqual(e);
    expect(decodeStoredTierChange(impliedStoredTierChange(t2), ctx, { scope: 'global', customerId: 'C017968' })).toEqual(e);
    expect(line.length / t2.length).toBeLessThan(0.75);
  });

  it('keeps numbers that are not safe integers, and a share no integer gives back, exactly (as ~decimal)', () => {
    const ctx: StoredTierContext = { tierMode: 'share', thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: 0, minDwellMs: 0, configVersion: 'v1' };
    const base = { ...change(3), customerId: 'C3', causeCustomerId: 'C3', causeEventId: 'C3:4', ...ctx };
    const odd = { ...base, eventId: tierChangeEventId(base.scope, 'C3', 'C3:4'), basisMinor: 1234.5, boundaryBasisB: -0, cumulativeShareBefore: 0.1, totalBasisMinor: 3, rank: 7 };
    const line = encodeStoredTierChange(odd, ctx);
    expect(line.split('|').slice(7, 9)).toEqual(['~1234.5', '~0.1']);
    expect(line.split('|')[13]).toBe('~-0');
    expect(Object.is(decodeStoredTierChange(line, ctx).boundaryBasisB, -0)).toBe(true);
    expect(decodeStoredTierChange(line, ctx)).toEqual(odd);
    // an empty population: a share of 0 over a total of 0
    const empty = { ...odd, cumulativeShareBefore: 0, totalBasisMinor: 0 };
    expect(decodeStoredTierChange(encodeStoredTierChange(empty, ctx), ctx)).toEqual(empty);
    expect(() => decodeStoredTierChange(line.replace('|7|', '|7!|'), ctx)).toThrow(/bad number 7!/);
  });

  it('reads t1 and t2 entries of the version before causeOffset (one value fewer) with a null causeOffset', () => {
    const ctx: StoredTierContext = { tierMode: 'share', thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: 0, minDwellMs: 0, configVersion: 'abc123' };
    const e = { ...change(3), tierMode: 'share' as const, hysteresisMargin: 0, minDwellMs: 0, causeOffset: 77 };
    // a t2 line of that version, as it wrote it (decimal numbers, the share itself)
    const t2 = `2|${e.scope}|${e.customerId}|BAA|0|${e.rank}|${e.populationSize}|${e.basisMinor}|${e.cumulativeShareBefore}|${e.totalBasisMinor}|` +
      `${e.boundaryCountA}|${e.boundaryCountB}||${e.boundaryBasisB}|${e.eventTime}|:4|`;
    expect(decodeStoredTierChange(t2, ctx)).toEqual({ ...e, boundaryBasisA: null, causeOffset: null });
    // a t3 line always has causeOffset's place
    expect(() => decodeStoredTierChange(`3${t2.slice(1)}`, ctx)).toThrow(/unknown stored tier change format/);
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
      // plain ids fit t3 under this context; quoted ids, other contexts and odd eventIds do not
      const e = i % 4 === 0 ? base : { ...base, customerId: `C${i}`, causeCustomerId: i % 2 ? `C${i}` : 'other', causeEventId: `C${i}:${i + 1}` };
      const fixed = i % 10 === 9 ? { ...e, eventId: 'not-rebuildable' } : { ...e, eventId: tierChangeEventId(e.scope, e.customerId, e.causeEventId) };
      // the change's own context, one that is not its own, none
      const own: StoredTierContext = { tierMode: fixed.tierMode, thresholdA: 0.8, thresholdB: 0.95, hysteresisMargin: fixed.hysteresisMargin, minDwellMs: fixed.minDwellMs, configVersion: 'abc123' };
      for (const c of [own, { ...own, configVersion: 'other' }, null]) {
        const stored = encodeStoredTierChange(fixed, c);
        if (stored.startsWith('3|')) compact++;
        expect(impliedStoredTierChange(stored)).toBe(encodeStoredTierChange(fixed, c, true));
      }
    }
    expect(compact).toBeGreaterThan(20);
  });
});
