import { z } from 'zod';
import { envInt, parseEnv } from './config-env';
import { isValidRegion, type RegionPolicy } from '@tierflow/contracts/validation/region';

/**
 * Which region names become ranking scopes: REGIONS (a comma-separated list; others count as
 * `unassigned`) or, without it, the first MAX_REGIONS distinct names (default 50) the profile
 * consumer meets; the rest count as `unassigned` (metric tierflow_profile_regions_unassigned_total).
 */
export function regionPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RegionPolicy {
  const c = parseEnv(
    {
      REGIONS: z
        .string()
        .optional()
        .transform((v) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s.length > 0)))
        .refine((v) => v === undefined || v.every(isValidRegion), { message: 'region names are 1-64 characters of A-Z a-z 0-9 _ . -' }),
      MAX_REGIONS: envInt(50, 1, 10_000),
    },
    env,
  );
  return c.REGIONS ? { kind: 'list', regions: new Set(c.REGIONS) } : { kind: 'cap', maxRegions: c.MAX_REGIONS };
}
