import { z } from 'zod';
import { parseEnv } from '../config/config-env';
import { envFile } from '../config/secret-file';

export const COMPATIBILITY_LEVELS = [
  'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE',
] as const;
export type Compatibility = (typeof COMPATIBILITY_LEVELS)[number];

/**
 * How to reach the schema registry: basic auth (SCHEMA_REGISTRY_USERNAME/PASSWORD, or user:pass
 * in the URL, which is taken out of it because fetch refuses such URLs), a CA to trust for https,
 * and the compatibility level to set on the subjects a service registers: only when
 * SCHEMA_REGISTRY_COMPATIBILITY says so, otherwise the operator's setting stands.
 */
export const registryShape = {
  SCHEMA_REGISTRY_USERNAME: z.string().optional(),
  SCHEMA_REGISTRY_PASSWORD: z.string().optional(),
  SCHEMA_REGISTRY_CA_FILE: envFile(),
  SCHEMA_REGISTRY_COMPATIBILITY: z.enum(COMPATIBILITY_LEVELS, { message: `expected one of ${COMPATIBILITY_LEVELS.join(', ')}` }).optional(),
};

export interface RegistryConnection {
  /** the API base, without credentials */
  url: string;
  username?: string;
  password?: string;
  /** PEM of the CA(s) to trust for an https registry (else the system's) */
  ca?: string;
  /** set on each registered subject when given; never otherwise */
  compatibility?: Compatibility;
}

export function registryConnection(rawUrl: string, env: NodeJS.ProcessEnv = process.env): RegistryConnection {
  const c = parseEnv(registryShape, env);
  const u = new URL(rawUrl);
  const urlUser = u.username ? decodeURIComponent(u.username) : undefined;
  const urlPassword = u.password ? decodeURIComponent(u.password) : undefined;
  u.username = '';
  u.password = '';
  const username = c.SCHEMA_REGISTRY_USERNAME ?? urlUser;
  const password = c.SCHEMA_REGISTRY_PASSWORD ?? urlPassword;
  return {
    url: u.toString().replace(/\/$/, ''),
    ...(username !== undefined ? { username, password: password ?? '' } : {}),
    ...(c.SCHEMA_REGISTRY_CA_FILE ? { ca: c.SCHEMA_REGISTRY_CA_FILE } : {}),
    ...(c.SCHEMA_REGISTRY_COMPATIBILITY ? { compatibility: c.SCHEMA_REGISTRY_COMPATIBILITY } : {}),
  };
}
