import type { CustomerProfile } from '../events/event-types';
import { idProblem } from './ids';
import { regionProblem } from './region';

/**
 * The one validation of a CRM profile (customer.profiles), pure: the key is the customerId
 * (else one customer's record would overwrite another's profile, and its alert recipient),
 * the id follows the id rule, texts are bounded, numbers lie in their ranges
 * (schemas/CustomerProfile.avsc), the region is a valid name. Which region names become
 * scopes is the region policy's business (region.ts), not this check's.
 */
export const MAX_PROFILE_TEXT = 200;
export const MAX_CREDIT_LIMIT_MINOR = 1e15; // 10 trillion in a 2-decimal currency; below 2^53
export const MAX_CREDIT_TERM_DAYS = 3_650;

export type ProfileInvalid =
  | 'PROFILE_KEY_MISMATCH'
  | 'PROFILE_BAD_CUSTOMER_ID'
  | 'PROFILE_BAD_TEXT'
  | 'PROFILE_BAD_CREDIT_LIMIT'
  | 'PROFILE_BAD_CREDIT_TERM'
  | 'PROFILE_BAD_SATISFACTION'
  | 'PROFILE_BAD_UPDATED_AT'
  | 'PROFILE_BAD_REGION';

export type ProfileVerdict = { ok: true } | { ok: false; code: ProfileInvalid; reason: string };

const TEXT_FIELDS = ['name', 'address', 'phone', 'legalRepresentative', 'industry', 'accountManager'] as const;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const fail = (code: ProfileInvalid, reason: string): ProfileVerdict => ({ ok: false, code, reason });

export function validateProfile(key: string | null, p: CustomerProfile): ProfileVerdict {
  const idBad = idProblem(p.customerId, 'customerId');
  if (idBad) return fail('PROFILE_BAD_CUSTOMER_ID', idBad.reason);
  if (key !== p.customerId) {
    return fail('PROFILE_KEY_MISMATCH', key === null ? 'record has no key' : `record key ${JSON.stringify(key.slice(0, 40))} is not its customerId ${p.customerId}`);
  }
  for (const f of TEXT_FIELDS) {
    const v = p[f];
    if (v === null || v === undefined) continue;
    if (v.length > MAX_PROFILE_TEXT) return fail('PROFILE_BAD_TEXT', `${f} has ${v.length} characters (max ${MAX_PROFILE_TEXT})`);
    if (CONTROL.test(v)) return fail('PROFILE_BAD_TEXT', `${f} contains control characters`);
  }
  const limit = p.creditLimitMinor;
  if (limit !== null && limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0 && limit <= MAX_CREDIT_LIMIT_MINOR)) {
    return fail('PROFILE_BAD_CREDIT_LIMIT', `creditLimitMinor ${limit} is outside 0..${MAX_CREDIT_LIMIT_MINOR}`);
  }
  const term = p.creditTermDays;
  if (term !== null && term !== undefined && !(Number.isInteger(term) && term >= 0 && term <= MAX_CREDIT_TERM_DAYS)) {
    return fail('PROFILE_BAD_CREDIT_TERM', `creditTermDays ${term} is outside 0..${MAX_CREDIT_TERM_DAYS}`);
  }
  const sat = p.satisfactionScore;
  if (sat !== null && sat !== undefined && !(Number.isFinite(sat) && sat >= 0 && sat <= 1)) {
    return fail('PROFILE_BAD_SATISFACTION', `satisfactionScore ${sat} is outside 0..1`);
  }
  if (!Number.isSafeInteger(p.updatedAt) || p.updatedAt < 0) return fail('PROFILE_BAD_UPDATED_AT', `updatedAt ${p.updatedAt} is not a time after 1970`);
  if (p.region !== null && p.region !== undefined && p.region !== '') {
    const bad = regionProblem(p.region);
    if (bad) return fail('PROFILE_BAD_REGION', bad);
  }
  return { ok: true };
}
