import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { ConfigError } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { kafkaSecurity } from '@tierflow/runtime/kafka/kafka-security';
import { createLogger } from '@tierflow/runtime/service/logger';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { stackSecurity } from '../../support/secure-stack';

const logger = createLogger({ name: 'test', level: 'silent' });
const sec = stackSecurity();
const plain = testKafka();
const topics: string[] = [];

afterAll(async () => {
  await deleteTopics(plain, topics);
});

/** A client made the way every service makes one: connectionConfig() of an environment. */
function clientOf(env: Record<string, string>): Kafka {
  const c = connectionConfig({ ...process.env, ...env });
  return createKafka({ brokers: c.kafkaBrokers, security: c.kafkaSecurity, clientId: `test-sec-${randomUUID().slice(0, 6)}`, logger, connectionTimeoutMs: 3_000 });
}

/** Creates a topic over the client, writes one record with it and reads it back through the plaintext listener. */
async function roundTrip(kafka: Kafka): Promise<string> {
  const topic = `sec-${randomUUID()}`;
  topics.push(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const value = randomUUID();
  await produce(kafka, topic, [{ key: 'k', value }]);
  const [m] = await readTopic(plain, topic, (ms) => ms.length >= 1, 30_000);
  return m!.value!.toString();
}

async function refusal(kafka: Kafka): Promise<string> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return 'connected';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('Kafka over the local stack\'s SASL_SSL and mutual-TLS listeners', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`SASL ${mechanism} over TLS writes and reads`, async () => {
      const kafka = clientOf(sec.saslEnv(mechanism));
      const value = await roundTrip(kafka);
      expect(value).toMatch(/^[0-9a-f-]{36}$/);
    });

    it(`SASL ${mechanism} with a wrong password is refused`, async () => {
      const result = await refusal(clientOf({ ...sec.saslEnv(mechanism), KAFKA_SASL_PASSWORD: 'not-the-password' }));
      expect(result).toMatch(/SASL .*authentication failed|Authentication failed|KafkaJSSASLAuthenticationError/i);
    });
  }

  it('TLS refuses a broker certificate from a CA it was not given (the system CAs only)', async () => {
    const { KAFKA_SSL_CA_FILE: _ca, ...env } = sec.saslEnv('scram-sha-512');
    const result = await refusal(clientOf({ ...env, KAFKA_SSL: 'true' }));
    expect(result).toMatch(/self[- ]signed|unable to verify|certificate/i);
  });

  it('mutual TLS with the client certificate writes; without one the broker refuses', async () => {
    expect(await roundTrip(clientOf(sec.mtlsEnv()))).toMatch(/^[0-9a-f-]{36}$/);
    const { KAFKA_SSL_CERT_FILE: _c, KAFKA_SSL_KEY_FILE: _k, ...noCert } = sec.mtlsEnv();
    expect(await refusal(clientOf(noCert))).not.toBe('connected');
  });

  it('plaintext to the SASL_SSL port does not connect', async () => {
    expect(await refusal(clientOf({ KAFKA_BROKERS: `127.0.0.1:${sec.ports.kafkaSaslSsl}` }))).not.toBe('connected');
  });

  it('a bad security setting stops the config naming the variable', () => {
    const bad = (env: Record<string, string>) => {
      try {
        kafkaSecurity(env);
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
      }
    };
    expect(bad({ KAFKA_SASL_MECHANISM: 'gssapi' })).toEqual([expect.stringMatching(/^KAFKA_SASL_MECHANISM: expected plain, scram-sha-256 or scram-sha-512/)]);
    expect(bad({ KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_USERNAME: required/), expect.stringMatching(/^KAFKA_SASL_PASSWORD: required/),
    ]);
    expect(bad({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toEqual([expect.stringMatching(/^KAFKA_SSL_CA_FILE: cannot read \/nonexistent\/ca.pem: ENOENT/)]);
    expect(bad({ KAFKA_SSL_CERT_FILE: sec.files.clientCert })).toEqual([expect.stringMatching(/^KAFKA_SSL_KEY_FILE: required with KAFKA_SSL_CERT_FILE/)]);
    expect(bad({ KAFKA_SASL_PASSWORD: 'x' })).toEqual([expect.stringMatching(/^KAFKA_SASL_PASSWORD: set without KAFKA_SASL_MECHANISM/)]);
    expect(bad({ KAFKA_SSL: 'maybe' })).toEqual([expect.stringMatching(/^KAFKA_SSL: expected true or false/)]);
  });
});
