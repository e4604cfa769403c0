import { readStackSecret, stackFiles, STACK_USER } from '@tierflow/runtime/config/stack-files';
import { stackPorts } from '@tierflow/runtime/config/stack-ports';

/**
 * The local stack's secured endpoints and the throwaway credentials it generated at its first
 * start (tools/cli/src/stack/stack-tls.ts, stack-secrets.ts), as the environment a service
 * would be given in production: file paths and variables, never copies of the secrets.
 */
export const stackSecurity = () => {
  const files = stackFiles(process.env);
  const ports = stackPorts(process.env);
  const secret = (file: string) => {
    const value = readStackSecret(file);
    if (!value) throw new Error(`${file} is missing: start the local stack with this code (npm run stack:up)`);
    return value;
  };
  return {
    files,
    ports,
    user: STACK_USER,
    kafkaPassword: () => secret(files.kafkaPassword),
    redisPassword: () => secret(files.redisPassword),
    registryPassword: () => secret(files.registryPassword),
    /** KAFKA_* for the SASL_SSL listener with one mechanism */
    saslEnv: (mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'): Record<string, string> => ({
      KAFKA_BROKERS: `127.0.0.1:${ports.kafkaSaslSsl}`,
      KAFKA_SSL_CA_FILE: files.caCert,
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: STACK_USER,
      KAFKA_SASL_PASSWORD: secret(files.kafkaPassword),
    }),
    /** KAFKA_* for the mutual-TLS listener */
    mtlsEnv: (): Record<string, string> => ({
      KAFKA_BROKERS: `127.0.0.1:${ports.kafkaSsl}`,
      KAFKA_SSL_CA_FILE: files.caCert,
      KAFKA_SSL_CERT_FILE: files.clientCert,
      KAFKA_SSL_KEY_FILE: files.clientKey,
    }),
    /** REDIS_* for the TLS port with the ACL user */
    redisTlsEnv: (): Record<string, string> => ({
      REDIS_URL: `rediss://127.0.0.1:${ports.redisTls}`,
      REDIS_USERNAME: STACK_USER,
      REDIS_PASSWORD: secret(files.redisPassword),
      REDIS_TLS_CA_FILE: files.caCert,
    }),
  };
};

/** SCHEMA_REGISTRY_* for the stack's TLS + basic-auth front of the registry. */
export const registryTlsEnv = (): Record<string, string> => {
  const sec = stackSecurity();
  return {
    SCHEMA_REGISTRY_URL: `https://127.0.0.1:${sec.ports.registryTls}/apis/ccompat/v7`,
    SCHEMA_REGISTRY_USERNAME: sec.user,
    SCHEMA_REGISTRY_PASSWORD: sec.registryPassword(),
    SCHEMA_REGISTRY_CA_FILE: sec.files.caCert,
  };
};
