import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { stackSecurity } from '../../support/secure-stack';

const sec = stackSecurity();

/** One command on a fresh connection; the server's answer or its refusal as text. */
async function ask(url: string, options: RedisOptions = {}): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000, ...options });
  // the first error the connection reports (a TLS or AUTH failure closes it before the command)
  let first: Error | undefined;
  redis.on('error', (err: Error) => (first ??= err));
  try {
    await redis.connect();
    return String(await redis.call('DBSIZE'));
  } catch (err) {
    return `refused: ${(first ?? (err as Error)).message}`;
  } finally {
    redis.disconnect();
  }
}

describe('the local stack\'s Redis: a password, an ACL user, TLS', () => {
  const port = sec.ports.redis;

  it('refuses a client without the password, and one with a wrong password', async () => {
    expect(await ask(`redis://127.0.0.1:${port}`)).toMatch(/^refused: NOAUTH Authentication required/);
    expect(await ask(`redis://:wrong@127.0.0.1:${port}`)).toMatch(/^refused: WRONGPASS/);
    expect(await ask(`redis://${sec.user}:wrong@127.0.0.1:${port}`)).toMatch(/^refused: WRONGPASS/);
  });

  it('the default connection of every service finds the generated password in the stack dir', async () => {
    const c = connectionConfig({ ...process.env, REDIS_URL: '', REDIS_PASSWORD: '' });
    expect(new URL(c.redisUrl).password).toBe(sec.redisPassword());
    expect(await ask(c.redisUrl)).toMatch(/^\d+$/);
  });

  it('an explicit REDIS_URL with REDIS_USERNAME and REDIS_PASSWORD logs in as the ACL user', async () => {
    const c = connectionConfig({ ...process.env, REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_USERNAME: sec.user, REDIS_PASSWORD: sec.redisPassword() });
    const redis = new Redis(c.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    expect(await redis.call('ACL', 'WHOAMI')).toBe(sec.user);
    redis.disconnect();
    // an explicit REDIS_URL never borrows the stack's password
    const bare = connectionConfig({ ...process.env, REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PASSWORD: '' });
    expect(await ask(bare.redisUrl)).toMatch(/^refused: NOAUTH/);
  });

  it('over TLS with the stack CA it answers; without the CA the certificate is refused; without the password NOAUTH', async () => {
    const c = connectionConfig({ ...process.env, ...sec.redisTlsEnv() });
    expect(c.redisTls?.ca).toBeDefined();
    expect(await ask(c.redisUrl, { tls: c.redisTls })).toMatch(/^\d+$/);
    expect(await ask(c.redisUrl, { tls: {} })).toMatch(/^refused: .*(self[- ]signed|unable to verify|certificate)/i);
    expect(await ask(`rediss://127.0.0.1:${sec.ports.redisTls}`, { tls: c.redisTls })).toMatch(/^refused: NOAUTH/);
    // plaintext to the TLS port gets nowhere
    expect(await ask(`redis://:${sec.redisPassword()}@127.0.0.1:${sec.ports.redisTls}`)).toMatch(/^refused/);
  });

  it('a bad Redis TLS setting stops the config naming the variable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tierflow-redis-'));
    const empty = path.join(dir, 'empty.pem');
    writeFileSync(empty, '');
    const problems = (env: Record<string, string>) => {
      try {
        connectionConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
      }
    };
    expect(problems({ REDIS_TLS_CA_FILE: empty })).toEqual([`REDIS_TLS_CA_FILE: file ${empty} is empty`]);
    expect(problems({ REDIS_TLS_CERT_FILE: sec.files.clientCert })).toEqual(['REDIS_TLS_KEY_FILE: required with REDIS_TLS_CERT_FILE']);
  });
});
