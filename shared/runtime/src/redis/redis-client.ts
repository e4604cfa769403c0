import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import type { Logger } from '../service/logger';

export type { Redis };

/**
 * An ioredis client that logs its connection state changes and retries with a capped backoff.
 * The URL carries the credentials (connectionConfig().redisUrl); `tls` (connectionConfig().redisTls)
 * a CA and a client certificate for rediss://.
 */
export function createRedis(params: { url: string; logger: Logger; name: string; tls?: ConnectionOptions }): Redis {
  const redis = new Redis(params.url, {
    ...(params.tls ? { tls: params.tls } : {}),
    connectionName: params.name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    lazyConnect: false,
  });
  const log = params.logger.child({ component: 'redis', client: params.name });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  redis.on('reconnecting', () => log.info('redis reconnecting'));
  return redis;
}
