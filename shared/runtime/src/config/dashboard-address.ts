import { z } from 'zod';
import { ConfigError, envInt, parseEnv } from './config-env';

/** Where the dashboard listens: read by the dashboard and by `tierflow start` (which prints its address). */
export const dashboardAddressSettings = {
  DASHBOARD_HOST: z.string().default('127.0.0.1'),
  DASHBOARD_PORT: envInt(8088, 0, 65535),
  /** required when DASHBOARD_HOST is not a loopback address */
  DASHBOARD_API_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** True when only this machine can reach the address. */
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

export interface DashboardAddress {
  host: string;
  port: number;
  apiToken: string | null;
}

/** The parsed variables -> the address; bound beyond loopback it requires DASHBOARD_API_TOKEN. */
export function dashboardAddressOf(c: z.infer<z.ZodObject<typeof dashboardAddressSettings>>): DashboardAddress {
  if (!isLoopback(c.DASHBOARD_HOST) && !c.DASHBOARD_API_TOKEN) {
    throw new ConfigError([
      {
        variable: 'DASHBOARD_API_TOKEN',
        message: `required when DASHBOARD_HOST is ${c.DASHBOARD_HOST} (not a loopback address): every request must then carry the token`,
      },
    ]);
  }
  return { host: c.DASHBOARD_HOST, port: c.DASHBOARD_PORT, apiToken: c.DASHBOARD_API_TOKEN ?? null };
}

/** The dashboard's address in this environment. */
export function dashboardAddress(env: NodeJS.ProcessEnv = process.env): DashboardAddress {
  return dashboardAddressOf(parseEnv(dashboardAddressSettings, env));
}
