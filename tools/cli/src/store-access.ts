import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis, type Redis } from '@tierflow/runtime/redis/redis-client';
import { pipelineSettings } from '@tierflow/runtime/config/pipeline-settings';
import type { DashboardStore } from '@tierflow/views/dashboard-store';
import type { PortfolioReader } from '@tierflow/views/portfolio/portfolio-reader';
import type { RankView } from '@tierflow/views/rank-view';
import { createReadModel } from '@tierflow/views/read-model';

/**
 * The dashboard's read model, opened from the CLI (card, top, review read exactly what the
 * dashboard shows). Call close() when done.
 */
export function openStore(): { store: DashboardStore; portfolio: PortfolioReader; rank: RankView; redis: Redis; keyPrefix: string; close: () => void } {
  const connection = connectionConfig();
  const config = pipelineSettings();
  const logger = createLogger({ name: 'cli', level: connection.logLevel === 'info' ? 'error' : connection.logLevel });
  const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'tierflow-cli' });
  // a command gives up instead of waiting for a server forever: a few attempts, then exit 4 (cli-error.ts)
  redis.options.maxRetriesPerRequest = 2;
  redis.options.retryStrategy = (attempt: number) => (attempt > 3 ? null : 200 * attempt);
  const model = createReadModel({ redis, keyPrefix: config.keyPrefix, transactionsPartitions: config.transactionsPartitions, aggregateContext: config.aggregateContext });
  return { store: model.store, portfolio: model.portfolio, rank: model.rank, redis, keyPrefix: config.keyPrefix, close: () => redis.disconnect() };
}
