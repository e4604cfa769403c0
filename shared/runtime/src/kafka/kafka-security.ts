import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { ConfigError, envBool, parseEnv } from '../config/config-env';
import { envFile } from '../config/secret-file';

/**
 * How the Kafka clients authenticate: TLS (a CA to trust, optionally a client certificate and
 * key for mutual TLS) and SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). Unset means plaintext
 * without SASL, the local stack's default listener. Certificate verification is never turned off.
 */
export const kafkaSecurityShape = {
  KAFKA_SSL: envBool(false),
  KAFKA_SSL_CA_FILE: envFile(),
  KAFKA_SSL_CERT_FILE: envFile(),
  KAFKA_SSL_KEY_FILE: envFile(),
  KAFKA_SSL_KEY_PASSWORD: z.string().optional(),
  KAFKA_SSL_SERVERNAME: z.string().optional(),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], {
      message: 'expected plain, scram-sha-256 or scram-sha-512',
    })
    .optional()
    .transform((v) => v?.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
};

/** The kafkajs `ssl` and `sasl` options, ready to spread into createKafka (structured-clone safe). */
export interface KafkaSecurity {
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
}

export function kafkaSecurity(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const c = parseEnv(kafkaSecurityShape, env);
  const problems: { variable: string; message: string }[] = [];
  if (c.KAFKA_SSL_CERT_FILE && !c.KAFKA_SSL_KEY_FILE) problems.push({ variable: 'KAFKA_SSL_KEY_FILE', message: 'required with KAFKA_SSL_CERT_FILE' });
  if (c.KAFKA_SSL_KEY_FILE && !c.KAFKA_SSL_CERT_FILE) problems.push({ variable: 'KAFKA_SSL_CERT_FILE', message: 'required with KAFKA_SSL_KEY_FILE' });
  if (c.KAFKA_SASL_MECHANISM) {
    if (!c.KAFKA_SASL_USERNAME) problems.push({ variable: 'KAFKA_SASL_USERNAME', message: `required with KAFKA_SASL_MECHANISM=${c.KAFKA_SASL_MECHANISM}` });
    if (!c.KAFKA_SASL_PASSWORD) problems.push({ variable: 'KAFKA_SASL_PASSWORD', message: `required with KAFKA_SASL_MECHANISM=${c.KAFKA_SASL_MECHANISM}` });
  } else {
    for (const v of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (c[v]) problems.push({ variable: v, message: 'set without KAFKA_SASL_MECHANISM' });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const tlsWanted = c.KAFKA_SSL || !!c.KAFKA_SSL_CA_FILE || !!c.KAFKA_SSL_CERT_FILE;
  const out: KafkaSecurity = {};
  if (tlsWanted) {
    const tls: ConnectionOptions = { rejectUnauthorized: true };
    if (c.KAFKA_SSL_CA_FILE) tls.ca = [c.KAFKA_SSL_CA_FILE];
    if (c.KAFKA_SSL_CERT_FILE) tls.cert = c.KAFKA_SSL_CERT_FILE;
    if (c.KAFKA_SSL_KEY_FILE) tls.key = c.KAFKA_SSL_KEY_FILE;
    if (c.KAFKA_SSL_KEY_PASSWORD) tls.passphrase = c.KAFKA_SSL_KEY_PASSWORD;
    if (c.KAFKA_SSL_SERVERNAME) tls.servername = c.KAFKA_SSL_SERVERNAME;
    out.ssl = tls;
  }
  if (c.KAFKA_SASL_MECHANISM) {
    out.sasl = { mechanism: c.KAFKA_SASL_MECHANISM, username: c.KAFKA_SASL_USERNAME!, password: c.KAFKA_SASL_PASSWORD! } as SASLOptions;
  }
  return out;
}
