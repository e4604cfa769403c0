import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { SchemaCodec } from '../codec/schema-codec';
import { ConfigError } from '../config/config-env';
import { connectionConfig, type ConnectionConfig } from '../config/connection-config';
import { createKafka } from '../kafka/kafka-client';
import { createRedis, type Redis } from '../redis/redis-client';
import { createLogger, type Logger } from './logger';
import { startServiceHttp, type ServiceHttp, type ThreadScrape } from './service-http';
import { stopOnSignals } from './stop-signals';

/** The exit code of a service that cannot start (a bad configuration, a server it cannot reach). */
export const EXIT_START_FAILED = 1;

/** What the shell gives a service's start: its config, logger and clients, and where to hang stop steps. */
export interface ServiceContext<C> {
  name: string;
  config: C;
  connection: ConnectionConfig;
  logger: Logger;
  /** clientId `tierflow-<name>` */
  readonly kafka: Kafka;
  readonly codec: SchemaCodec;
  /** the Redis client named after the service, closed last */
  readonly redis: Redis;
  /** another Redis client (e.g. one of its own for a store), closed at stop in its turn */
  newRedis: (connectionName: string) => Redis;
  /** a stop step; at stop the steps run in reverse order of registration, each failure logged */
  onStop: (step: () => Promise<unknown> | void) => void;
  /** /metrics, /healthz and /readyz (service-http.ts), ready while the service says so and is not stopping */
  serveHttp: (params: { host: string; port: number; registry: Registry; ready: () => boolean; threads?: ThreadScrape }) => Promise<ServiceHttp>;
}

export interface ServiceDefinition<C> {
  /** the service's name: its logger's, its clients' (tierflow-<name>), its health body's */
  name: string;
  /** parses the environment; a ConfigError is printed with every bad variable, and the process exits 1 */
  config: () => C;
  /** the connection settings (default: connectionConfig() of the environment) */
  connection?: (config: C) => ConnectionConfig;
  /** `quit` waits for the replies in flight (default `disconnect`) */
  redisClose?: 'quit' | 'disconnect';
  /** a stop that takes longer than this exits anyway (a consumer stuck in a rebalance must not keep it alive) */
  stopTimeoutMs?: number;
  /** starts the service; resolves once it runs */
  start: (ctx: ServiceContext<C>) => Promise<void>;
}

/**
 * The one lifecycle of every tierflow service (the model: Service.java of Confluent's
 * kafka-streams-examples microservices, start(config) then stop() from a shutdown hook):
 * 1. parse the config (a ConfigError names each bad variable; exit 1);
 * 2. the logger; the Kafka client, the schema codec and the Redis client when first asked for;
 * 3. `start(ctx)`, which registers its stop steps (ctx.onStop) as it starts things;
 * 4. on SIGTERM or SIGINT, once: not ready any more, the stop steps in reverse order (the Redis
 *    client last), exit 0.
 * A start that fails is logged (`<name> failed to start`, its message and code) and exits 1.
 */
export async function runService<C>(def: ServiceDefinition<C>): Promise<void> {
  let logger: Logger | null = null;
  try {
    const config = def.config();
    const connection = def.connection ? def.connection(config) : connectionConfig();
    const log = createLogger({ name: def.name, level: connection.logLevel });
    logger = log;
    const steps: Array<() => Promise<unknown> | void> = [];
    let stopping = false;
    const onStop = (step: () => Promise<unknown> | void) => void steps.push(step);
    const newRedis = (connectionName: string) => {
      const client = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger: log, name: connectionName });
      onStop(() => (def.redisClose === 'quit' ? client.quit() : client.disconnect()));
      return client;
    };
    // the clients are made when the service first asks for them (importing or starting makes no
    // connection it does not use); the service's own Redis client is closed after every other step
    let kafka: Kafka | null = null;
    let codec: SchemaCodec | null = null;
    let redis: Redis | null = null;
    const ctx: ServiceContext<C> = {
      name: def.name,
      config,
      connection,
      logger: log,
      get kafka() {
        kafka ??= createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: `tierflow-${def.name}`, logger: log });
        return kafka;
      },
      get codec() {
        codec ??= new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry, logger: log });
        return codec;
      },
      get redis() {
        if (!redis) {
          const client = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger: log, name: def.name });
          steps.unshift(() => (def.redisClose === 'quit' ? client.quit() : client.disconnect()));
          redis = client;
        }
        return redis;
      },
      newRedis,
      onStop,
      serveHttp: async (p) => {
        const http = await startServiceHttp({ service: def.name, ...p, logger: log, ready: () => !stopping && p.ready() });
        onStop(() => http.close());
        return http;
      },
    };
    await def.start(ctx);
    stopOnSignals(log, async () => {
      stopping = true;
      if (def.stopTimeoutMs !== undefined) setTimeout(() => process.exit(0), def.stopTimeoutMs).unref();
      for (const step of [...steps].reverse()) {
        try {
          await step();
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'stop step failed');
        }
      }
      log.info('stopped');
    });
  } catch (err) {
    failedToStart(def.name, logger, err);
  }
}

function failedToStart(name: string, logger: Logger | null, err: unknown): never {
  const e = err as Error & { code?: string };
  if (err instanceof ConfigError) process.stderr.write(`${name}: ${err.message}\n`);
  (logger ?? createLogger({ name })).fatal({ err: e?.message ?? String(err), code: e?.code }, `${name} failed to start`);
  process.exit(EXIT_START_FAILED);
}
