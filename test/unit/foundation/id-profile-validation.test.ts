import { describe, expect, it } from 'vitest';
import type { CustomerProfile } from '@tierflow/contracts/events/event-types';
import { MAX_ID_LENGTH, idProblem, isValidId } from '@tierflow/contracts/validation/ids';
import { validateProfile } from '@tierflow/contracts/validation/profile';
import { UNASSIGNED_REGION, isValidRegion, regionUnderPolicy } from '@tierflow/contracts/validation/region';
import { createPopulation } from '../../../tools/cli/src/simulate/telecom-population';

const profile: CustomerProfile = {
  customerId: 'T000001', name: 'Atlas Foods 001', address: '12 Main St, north', phone: '+1 555 0100', legalRepresentative: 'A. Berg',
  industry: 'retail', region: 'north', accountManager: 'a.berg@example.com', creditLimitMinor: 500_000, creditTermDays: 30,
  satisfactionScore: 0.8, updatedAt: Date.UTC(2026, 0, 1),
};
const verdict = (patch: Partial<CustomerProfile>, key: string | null = patch.customerId ?? profile.customerId) => {
  const v = validateProfile(key, { ...profile, ...patch });
  return v.ok ? 'ok' : v.code;
};

describe('the one id rule', () => {
  it('accepts every id the simulator, the CDNOW replay and the tests produce', () => {
    const ids = createPopulation({ customers: 2_000, seed: 7, startDay: 20_000, endDay: 20_090 }).map((a) => a.customerId);
    ids.push('cdnow-00001', 'cdnow-23570', 'C000123', 'tx-1-42', 'sim-1-T000001-20000-3', 'C-good', 'ok-1', 'cust-007', 'a.b@example.com', 'ns:id_1');
    ids.push('browser-test-2f1c9b7e-3a4d-4f5e-9a8b-0c1d2e3f4a5b', 'x'.repeat(MAX_ID_LENGTH));
    expect(ids.filter((id) => !isValidId(id))).toEqual([]);
  });

  it.each([
    ['', 'ID_EMPTY'],
    ['x'.repeat(MAX_ID_LENGTH + 1), 'ID_TOO_LONG'],
    ['x'.repeat(10_000), 'ID_TOO_LONG'],
    ['a b', 'ID_BAD_CHARACTERS'],
    ['x{p1}', 'ID_BAD_CHARACTERS'],
    ['tab\there', 'ID_BAD_CHARACTERS'],
    ['nul\u0000', 'ID_BAD_CHARACTERS'],
    ['a/b', 'ID_BAD_CHARACTERS'],
    ['a?b', 'ID_BAD_CHARACTERS'],
    ['a#b', 'ID_BAD_CHARACTERS'],
    ['a%2Fb', 'ID_BAD_CHARACTERS'],
    ['ünï', 'ID_BAD_CHARACTERS'],
  ])('refuses %j as %s', (id, code) => {
    expect(idProblem(id)?.code).toBe(code);
  });

  it('refuses what is not a string', () => {
    expect(idProblem(undefined)?.code).toBe('ID_EMPTY');
    expect(idProblem(42)?.code).toBe('ID_EMPTY');
  });
});

describe('region names and the region policy', () => {
  it('names: the simulator regions pass; a colon, a space, a brace or 65 characters do not', () => {
    for (const r of ['north', 'south', 'east', 'west', 'central', 'EU-West.1', 'a_b']) expect(isValidRegion(r)).toBe(true);
    for (const r of ['eu:west', 'a b', '{x}', 'r'.repeat(65), '', 'région']) expect(isValidRegion(r)).toBe(false);
  });

  it('a list keeps its names and maps the rest to unassigned; a cap asks for a slot', () => {
    const list = { kind: 'list' as const, regions: new Set(['north', 'south']) };
    expect(regionUnderPolicy('north', list)).toBe('north');
    expect(regionUnderPolicy('mars', list)).toBe(UNASSIGNED_REGION);
    expect(regionUnderPolicy(UNASSIGNED_REGION, list)).toBe(UNASSIGNED_REGION);
    expect(regionUnderPolicy('mars', { kind: 'cap', maxRegions: 3 })).toBe('needs-slot');
  });
});

describe('profile validation', () => {
  it('accepts a full profile and one with every optional field absent', () => {
    expect(verdict({})).toBe('ok');
    expect(verdict({ name: null, address: null, phone: null, legalRepresentative: null, industry: null, region: null, accountManager: null, creditLimitMinor: null, creditTermDays: null, satisfactionScore: null })).toBe('ok');
    expect(verdict({ region: '' })).toBe('ok');
    expect(verdict({ satisfactionScore: 0 })).toBe('ok');
    expect(verdict({ satisfactionScore: 1 })).toBe('ok');
  });

  it('accepts every simulator profile', () => {
    const bad = createPopulation({ customers: 2_000, seed: 11, startDay: 20_000, endDay: 20_090 })
      .map((a) => ({ id: a.customerId, v: validateProfile(a.customerId, a.profile) }))
      .filter((r) => !r.v.ok);
    expect(bad).toEqual([]);
  });

  it.each([
    ['a key that is not its customerId', {}, 'T000002', 'PROFILE_KEY_MISMATCH'],
    ['no key', {}, null, 'PROFILE_KEY_MISMATCH'],
    ['a 10 KB customer id', { customerId: 'x'.repeat(10_240) }, undefined, 'PROFILE_BAD_CUSTOMER_ID'],
    ['a customer id with a space', { customerId: 'T 1' }, undefined, 'PROFILE_BAD_CUSTOMER_ID'],
    ['satisfactionScore -1e300', { satisfactionScore: -1e300 }, undefined, 'PROFILE_BAD_SATISFACTION'],
    ['satisfactionScore 1.01', { satisfactionScore: 1.01 }, undefined, 'PROFILE_BAD_SATISFACTION'],
    ['satisfactionScore NaN', { satisfactionScore: Number.NaN }, undefined, 'PROFILE_BAD_SATISFACTION'],
    ['a negative credit limit', { creditLimitMinor: -1 }, undefined, 'PROFILE_BAD_CREDIT_LIMIT'],
    ['a credit limit beyond 10^15', { creditLimitMinor: 1e15 + 1 }, undefined, 'PROFILE_BAD_CREDIT_LIMIT'],
    ['a credit term of 3651 days', { creditTermDays: 3_651 }, undefined, 'PROFILE_BAD_CREDIT_TERM'],
    ['a negative credit term', { creditTermDays: -1 }, undefined, 'PROFILE_BAD_CREDIT_TERM'],
    ['a region with a colon', { region: 'eu:west' }, undefined, 'PROFILE_BAD_REGION'],
    ['a 65-character region', { region: 'r'.repeat(65) }, undefined, 'PROFILE_BAD_REGION'],
    ['a 201-character name', { name: 'n'.repeat(201) }, undefined, 'PROFILE_BAD_TEXT'],
    ['an account manager with a newline', { accountManager: 'a@b.c\nBcc: x@y.z' }, undefined, 'PROFILE_BAD_TEXT'],
    ['updatedAt before 1970', { updatedAt: -1 }, undefined, 'PROFILE_BAD_UPDATED_AT'],
  ] as [string, Partial<CustomerProfile>, string | null | undefined, string][])('refuses %s', (_what, patch, key, code) => {
    expect(verdict(patch, key === undefined ? (patch.customerId ?? profile.customerId) : key)).toBe(code);
  });
});
