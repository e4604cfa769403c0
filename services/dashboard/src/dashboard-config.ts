import { z } from 'zod';
import { ConfigError, envInt, parseEnv } from '@tierflow/runtime/config/config-env';

/** The dashboard's own settings (connections and topics come from the shared config). */
export const dashboardShape = {
  DASHBOARD_HOST: z.string().default('127.0.0.1'),
  DASHBOARD_PORT: envInt(8088, 0, 65535),
  DASHBOARD_API_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  REDIS_KEY_PREFIX: z.string().default('tf:'),
  TRANSACTIONS_PARTITIONS: envInt(6, 1, 1024),
  // as the aggregator is configured (its variables, its defaults)
  REPORTING_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD').default('USD'),
  CURRENT_WINDOW_DAYS: envInt(30, 1, 3650),
  RANKING_WINDOW_DAYS: envInt(90, 1, 3650),
  /** how many recent tier changes and churn risks the feed keeps and replays to new clients */
  DASHBOARD_FEED_SIZE: envInt(200, 1, 10_000),
};

export interface DashboardConfig {
  host: string;
  port: number;
  apiToken: string | null;
  keyPrefix: string;
  transactionsPartitions: number;
  feedSize: number;
  aggregateContext: { currency: string; currentWindowDays: number; rankingWindowDays: number };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** True when only this machine can reach the address. */
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Parses the dashboard's environment. Bound to a loopback address it needs no token; bound
 * anywhere else it requires DASHBOARD_API_TOKEN, so the API is never open to a network by accident.
 */
export function dashboardConfig(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  const c = parseEnv(dashboardShape, env);
  if (!isLoopback(c.DASHBOARD_HOST) && !c.DASHBOARD_API_TOKEN) {
    throw new ConfigError([
      {
        variable: 'DASHBOARD_API_TOKEN',
        message: `required when DASHBOARD_HOST is ${c.DASHBOARD_HOST} (not a loopback address): every request must then carry the token`,
      },
    ]);
  }
  return {
    host: c.DASHBOARD_HOST,
    port: c.DASHBOARD_PORT,
    apiToken: c.DASHBOARD_API_TOKEN ?? null,
    keyPrefix: c.REDIS_KEY_PREFIX,
    transactionsPartitions: c.TRANSACTIONS_PARTITIONS,
    feedSize: c.DASHBOARD_FEED_SIZE,
    aggregateContext: { currency: c.REPORTING_CURRENCY, currentWindowDays: c.CURRENT_WINDOW_DAYS, rankingWindowDays: c.RANKING_WINDOW_DAYS },
  };
}
