import { envInt, parseEnv } from '@tierflow/runtime/config/config-env';
import { dashboardAddressOf, dashboardAddressSettings } from '@tierflow/runtime/config/dashboard-address';
import { pipelineSettingsShape } from '@tierflow/runtime/config/pipeline-settings';

export { isLoopback } from '@tierflow/runtime/config/dashboard-address';

/**
 * The dashboard's settings: its address, the pipeline-wide settings (key prefix, shards, windows
 * and currency, as the aggregator is configured: shared/runtime/src/config/pipeline-settings.ts)
 * and its own. Connections and topics come from the shared config.
 */
export const dashboardShape = {
  ...dashboardAddressSettings,
  ...pipelineSettingsShape,
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

/**
 * Parses the dashboard's environment. Bound to a loopback address it needs no token; bound
 * anywhere else it requires DASHBOARD_API_TOKEN, so the API is never open to a network by accident.
 */
export function dashboardConfig(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  const c = parseEnv(dashboardShape, env);
  return {
    ...dashboardAddressOf(c),
    keyPrefix: c.REDIS_KEY_PREFIX,
    transactionsPartitions: c.TRANSACTIONS_PARTITIONS,
    feedSize: c.DASHBOARD_FEED_SIZE,
    aggregateContext: { currency: c.REPORTING_CURRENCY, currentWindowDays: c.CURRENT_WINDOW_DAYS, rankingWindowDays: c.RANKING_WINDOW_DAYS },
  };
}
