/**
 * Region names (the ranking scopes `region:<name>`): 1..64 characters of A-Z a-z 0-9 `_ . -`,
 * so no `:` (history keys are `history:<scope>:<customerId>`) and every name fits the
 * dashboard's scope parameter. Which names become scopes is bounded by a policy: a configured
 * list (REGIONS) or a cap on distinct names (MAX_REGIONS); the rest count as `unassigned`. Pure.
 */
export const UNASSIGNED_REGION = 'unassigned';
export const MAX_REGION_LENGTH = 64;
const REGION_PATTERN = /^[A-Za-z0-9_.-]+$/;

export type RegionPolicy = { kind: 'list'; regions: ReadonlySet<string> } | { kind: 'cap'; maxRegions: number };

/** Why a region name is not acceptable, or null. */
export function regionProblem(region: string): string | null {
  if (region.length > MAX_REGION_LENGTH) return `region has ${region.length} characters (max ${MAX_REGION_LENGTH})`;
  if (!REGION_PATTERN.test(region)) return `region ${JSON.stringify(region.slice(0, 40))} has characters outside A-Z a-z 0-9 _ . -`;
  return null;
}

export const isValidRegion = (region: string): boolean => regionProblem(region) === null;

/**
 * What a valid region name becomes under the policy: itself when listed, `unassigned` when a
 * list does not name it, or `needs-slot` under a cap (the caller takes one of the cap's slots
 * atomically, or maps it to `unassigned` when they are gone).
 */
export function regionUnderPolicy(region: string, policy: RegionPolicy): string | 'needs-slot' {
  if (region === UNASSIGNED_REGION) return region;
  if (policy.kind === 'list') return policy.regions.has(region) ? region : UNASSIGNED_REGION;
  return 'needs-slot';
}
