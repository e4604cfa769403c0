import { connectionConfig } from '@tierflow/shared/connection-config';
import { createLogger } from '@tierflow/shared/logger';
import { createRedis, type Redis } from '@tierflow/shared/redis-client';
import { dashboardConfig } from '@tierflow/dashboard/dashboard-config';
import type { DashboardStore } from '@tierflow/dashboard/dashboard-store';
import type { PortfolioReader } from '@tierflow/dashboard/portfolio/portfolio-reader';
import { createReadModel } from '@tierflow/dashboard/read-model';

/**
 * The dashboard's read model, opened from the CLI (card, top, review read exactly what the
 * dashboard shows). Call close() when done.
 */
export function openStore(): { store: DashboardStore; portfolio: PortfolioReader; redis: Redis; keyPrefix: string; close: () => void } {
  const connection = connectionConfig();
  const config = dashboardConfig();
  const logger = createLogger({ name: 'cli', level: connection.logLevel === 'info' ? 'warn' : connection.logLevel });
  const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'tierflow-cli' });
  const model = createReadModel({ redis, keyPrefix: config.keyPrefix, transactionsPartitions: config.transactionsPartitions, aggregateContext: config.aggregateContext });
  return { store: model.store, portfolio: model.portfolio, redis, keyPrefix: config.keyPrefix, close: () => redis.disconnect() };
}
