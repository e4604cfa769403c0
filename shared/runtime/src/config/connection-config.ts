import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { ConfigError, envList, parseEnv } from './config-env';
import { kafkaSecurity, type KafkaSecurity } from '../kafka/kafka-security';
import { registryConnection, type RegistryConnection } from '../codec/registry-connection';
import { envFile } from './secret-file';
import { readStackSecret, stackFiles } from './stack-files';
import { localAddresses, stackPorts } from './stack-ports';

/** Where the servers are. Unset variables fall back to the embedded local stack. */
export const connectionShape = {
  KAFKA_BROKERS: z.string().optional(),
  SCHEMA_REGISTRY_URL: z.url({ message: 'expected an http(s) URL' }).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .optional(),
  /** an ACL user (Redis 6+); without it the password is the default user's */
  REDIS_USERNAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  /** a CA to trust for rediss:// (else the system's); a client certificate and key for mutual TLS */
  REDIS_TLS_CA_FILE: envFile(),
  REDIS_TLS_CERT_FILE: envFile(),
  REDIS_TLS_KEY_FILE: envFile(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export interface ConnectionConfig {
  kafkaBrokers: string[];
  /** kafkajs `ssl` and `sasl` (KAFKA_SSL_*, KAFKA_SASL_*) */
  kafkaSecurity: KafkaSecurity;
  /** the registry's API base URL, without credentials (they are in `registry`) */
  registryUrl: string;
  registry: RegistryConnection;
  /**
   * Redis URL, with the credentials in it (REDIS_USERNAME/REDIS_PASSWORD, or the local stack's
   * generated password), so every client made from it authenticates. Never log it.
   */
  redisUrl: string;
  /** TLS options for a rediss:// URL (a CA, a client certificate), undefined for redis:// */
  redisTls?: ConnectionOptions;
  logLevel: string;
  /** true when every address came from the local stack defaults */
  usesLocalStack: boolean;
}

/** The URL with user and password set (URL-encoded); a password in the URL itself is kept unless one is given. */
function withCredentials(url: string, username: string | undefined, password: string | undefined): string {
  if (username === undefined && password === undefined) return url;
  const u = new URL(url);
  if (username !== undefined) u.username = encodeURIComponent(username);
  if (password !== undefined) u.password = encodeURIComponent(password);
  return u.toString().replace(/\/$/, '');
}

export function connectionConfig(env: NodeJS.ProcessEnv = process.env): ConnectionConfig {
  const c = parseEnv(connectionShape, env);
  if (c.REDIS_TLS_CERT_FILE && !c.REDIS_TLS_KEY_FILE) {
    throw new ConfigError([{ variable: 'REDIS_TLS_KEY_FILE', message: 'required with REDIS_TLS_CERT_FILE' }]);
  }
  const local = localAddresses(stackPorts(env));
  const brokers = envList(local.kafkaBrokers).parse(c.KAFKA_BROKERS ?? local.kafkaBrokers);
  // the local stack's Redis has a password generated at its first start, kept in its folder
  const password = c.REDIS_PASSWORD ?? (c.REDIS_URL ? undefined : readStackSecret(stackFiles(env).redisPassword));
  const redisUrl = withCredentials(c.REDIS_URL ?? local.redisUrl, c.REDIS_USERNAME, password);
  const tlsFiles = c.REDIS_TLS_CA_FILE || c.REDIS_TLS_CERT_FILE;
  const redisTls: ConnectionOptions | undefined = redisUrl.startsWith('rediss://') || tlsFiles
    ? {
        ...(c.REDIS_TLS_CA_FILE ? { ca: [c.REDIS_TLS_CA_FILE] } : {}),
        ...(c.REDIS_TLS_CERT_FILE ? { cert: c.REDIS_TLS_CERT_FILE, key: c.REDIS_TLS_KEY_FILE } : {}),
      }
    : undefined;
  const registry = registryConnection(c.SCHEMA_REGISTRY_URL ?? local.registryUrl, env);
  return {
    kafkaBrokers: brokers,
    kafkaSecurity: kafkaSecurity(env),
    registryUrl: registry.url,
    registry,
    redisUrl,
    ...(redisTls ? { redisTls } : {}),
    logLevel: c.LOG_LEVEL,
    usesLocalStack: !c.KAFKA_BROKERS && !c.SCHEMA_REGISTRY_URL && !c.REDIS_URL,
  };
}
