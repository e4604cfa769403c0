/**
 * Scopes, defined once: the ranker ranks every customer in the global scope and, with regions
 * on, in the scope of its region. A scope's name is "global" or "region:<name>"; it names the
 * ranker's keys, TierChange.scope and the API's `scope` parameter. Pure.
 */
import { RequestError } from './request-validation';
import { isValidRegion, UNASSIGNED_REGION } from '../validation/region';

export { UNASSIGNED_REGION };

export const GLOBAL_SCOPE = 'global';
const REGION_PREFIX = 'region:';
export const regionScopeName = (region: string) => `${REGION_PREFIX}${region}`;

/** A scope: "global" or "region:<name>". */
export type Scope = { kind: 'global' } | { kind: 'region'; region: string };

export function parseScope(raw: string | undefined): Scope {
  if (raw === undefined || raw === '' || raw === GLOBAL_SCOPE) return { kind: 'global' };
  const region = raw.startsWith(REGION_PREFIX) ? raw.slice(REGION_PREFIX.length) : '';
  if (region === '' || !isValidRegion(region)) {
    throw new RequestError(400, 'BAD_SCOPE', `scope must be "global" or "region:<name>", got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  return { kind: 'region', region };
}

export const scopeName = (scope: Scope): string => (scope.kind === 'global' ? GLOBAL_SCOPE : regionScopeName(scope.region));
