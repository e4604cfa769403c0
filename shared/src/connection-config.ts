import { z } from 'zod';
import { envList, parseEnv } from './config-env';
import { localAddresses, stackPorts } from './stack-ports';

/** Where the servers are. Unset variables fall back to the embedded local stack. */
export const connectionShape = {
  KAFKA_BROKERS: z.string().optional(),
  SCHEMA_REGISTRY_URL: z.url({ message: 'expected an http(s) URL' }).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export interface ConnectionConfig {
  kafkaBrokers: string[];
  registryUrl: string;
  redisUrl: string;
  logLevel: string;
  /** true when every address came from the local stack defaults */
  usesLocalStack: boolean;
}

export function connectionConfig(env: NodeJS.ProcessEnv = process.env): ConnectionConfig {
  const c = parseEnv(connectionShape, env);
  const local = localAddresses(stackPorts(env));
  const brokers = envList(local.kafkaBrokers).parse(c.KAFKA_BROKERS ?? local.kafkaBrokers);
  return {
    kafkaBrokers: brokers,
    registryUrl: c.SCHEMA_REGISTRY_URL ?? local.registryUrl,
    redisUrl: c.REDIS_URL ?? local.redisUrl,
    logLevel: c.LOG_LEVEL,
    usesLocalStack: !c.KAFKA_BROKERS && !c.SCHEMA_REGISTRY_URL && !c.REDIS_URL,
  };
}
