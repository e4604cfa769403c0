import { connectionConfig } from '@tierflow/shared/connection-config';
import { createLogger } from '@tierflow/shared/logger';
import { createRedis, type Redis } from '@tierflow/shared/redis-client';
import { dashboardConfig } from '@tierflow/dashboard/dashboard-config';
import { DashboardStore } from '@tierflow/dashboard/dashboard-store';
import { createRankerView } from '@tierflow/dashboard/ranker-view';

/**
 * The dashboard's read model, opened from the CLI (card, top, review read exactly what the
 * dashboard shows). Call close() when done.
 */
export function openStore(): { store: DashboardStore; redis: Redis; keyPrefix: string; close: () => void } {
  const connection = connectionConfig();
  const config = dashboardConfig();
  const logger = createLogger({ name: 'cli', level: connection.logLevel === 'info' ? 'warn' : connection.logLevel });
  const redis = createRedis({ url: connection.redisUrl, logger, name: 'tierflow-cli' });
  const store = new DashboardStore({
    redis,
    keyPrefix: config.keyPrefix,
    transactionsPartitions: config.transactionsPartitions,
    aggregateContext: config.aggregateContext,
    rank: createRankerView({ redis, keyPrefix: config.keyPrefix }),
  });
  return { store, redis, keyPrefix: config.keyPrefix, close: () => redis.disconnect() };
}
