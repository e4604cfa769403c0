import { z } from 'zod';
import { envInt, parseEnv } from './config-env';

/**
 * Ports and folder of the embedded local stack. Chosen away from the well-known ports so the
 * stack never collides with a machine's own Kafka (9092), registry (8080) or Redis (6379).
 */
export const stackShape = {
  STACK_DIR: z.string().optional(),
  STACK_KAFKA_PORT: envInt(19092, 1, 65535),
  STACK_KAFKA_CONTROLLER_PORT: envInt(19093, 1, 65535),
  /** SASL (PLAIN, SCRAM-SHA-256/512) over TLS */
  STACK_KAFKA_SASL_SSL_PORT: envInt(19094, 1, 65535),
  /** TLS with a required client certificate (mutual TLS), no SASL */
  STACK_KAFKA_SSL_PORT: envInt(19095, 1, 65535),
  STACK_REGISTRY_PORT: envInt(18081, 1, 65535),
  STACK_REGISTRY_MANAGEMENT_PORT: envInt(19000, 1, 65535),
  STACK_REDIS_PORT: envInt(16379, 1, 65535),
  STACK_REDIS_TLS_PORT: envInt(16380, 1, 65535),
  /** the stack's own TLS proxy in front of the registry, with basic auth */
  STACK_REGISTRY_TLS_PORT: envInt(18443, 1, 65535),
};

export interface StackPorts {
  kafka: number;
  kafkaController: number;
  kafkaSaslSsl: number;
  kafkaSsl: number;
  registry: number;
  registryManagement: number;
  redis: number;
  redisTls: number;
  registryTls: number;
}

export function stackPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const c = parseEnv(stackShape, env);
  return {
    kafka: c.STACK_KAFKA_PORT,
    kafkaController: c.STACK_KAFKA_CONTROLLER_PORT,
    kafkaSaslSsl: c.STACK_KAFKA_SASL_SSL_PORT,
    kafkaSsl: c.STACK_KAFKA_SSL_PORT,
    registry: c.STACK_REGISTRY_PORT,
    registryManagement: c.STACK_REGISTRY_MANAGEMENT_PORT,
    redis: c.STACK_REDIS_PORT,
    redisTls: c.STACK_REDIS_TLS_PORT,
    registryTls: c.STACK_REGISTRY_TLS_PORT,
  };
}

/** The addresses clients use when nothing else is configured: the local stack's. */
export function localAddresses(ports: StackPorts) {
  return {
    kafkaBrokers: `127.0.0.1:${ports.kafka}`,
    registryUrl: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
    redisUrl: `redis://127.0.0.1:${ports.redis}`,
  };
}
