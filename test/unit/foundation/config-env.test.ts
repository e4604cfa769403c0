import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBool, envInt, parseEnv } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';

describe('parseEnv', () => {
  const shape = { BATCH_SIZE: envInt(500, 1, 10_000), DRY_RUN: envBool(false), NAME: z.string().default('x') };

  it('coerces numbers and booleans and applies defaults', () => {
    expect(parseEnv(shape, { BATCH_SIZE: '42', DRY_RUN: 'yes' })).toEqual({ BATCH_SIZE: 42, DRY_RUN: true, NAME: 'x' });
    expect(parseEnv(shape, {})).toEqual({ BATCH_SIZE: 500, DRY_RUN: false, NAME: 'x' });
  });

  it('names every bad variable in one error', () => {
    try {
      parseEnv(shape, { BATCH_SIZE: 'lots', DRY_RUN: 'maybe' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.problems.map((p) => p.variable).sort()).toEqual(['BATCH_SIZE', 'DRY_RUN']);
      expect(e.message).toMatch(/BATCH_SIZE:/);
      expect(e.message).toMatch(/DRY_RUN: expected true or false/);
    }
  });
});

describe('connectionConfig', () => {
  it('falls back to the local stack addresses', () => {
    // a stack dir without generated secrets: no password in the URL
    const c = connectionConfig({ STACK_DIR: mkdtempSync(path.join(tmpdir(), 'tierflow-stack-')) });
    expect(c).toMatchObject({ kafkaBrokers: ['127.0.0.1:19092'], redisUrl: 'redis://127.0.0.1:16379', usesLocalStack: true });
    expect(c.registryUrl).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
  });

  it('takes configured servers and rejects a bad Redis URL by name', () => {
    const c = connectionConfig({ KAFKA_BROKERS: 'k1:9092, k2:9092', REDIS_URL: 'redis://r:6379' });
    expect(c.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(c.usesLocalStack).toBe(false);
    expect(() => connectionConfig({ REDIS_URL: 'http://nope' })).toThrow(/REDIS_URL: expected a redis:\/\//);
    expect(() => connectionConfig({ STACK_REDIS_PORT: '70000' })).toThrow(/STACK_REDIS_PORT/);
  });
});

describe('credentials in the connection config', () => {
  it('the local stack\'s generated Redis password goes into the default URL; an explicit REDIS_URL never takes it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tierflow-stack-'));
    mkdirSync(path.join(dir, 'secrets'));
    writeFileSync(path.join(dir, 'secrets/redis-password'), 'abc123\n');
    expect(connectionConfig({ STACK_DIR: dir }).redisUrl).toBe('redis://:abc123@127.0.0.1:16379');
    expect(connectionConfig({ STACK_DIR: dir, REDIS_URL: 'redis://r:6379' }).redisUrl).toBe('redis://r:6379');
    expect(connectionConfig({ STACK_DIR: dir, REDIS_URL: 'rediss://r:6379', REDIS_USERNAME: 'app', REDIS_PASSWORD: 'p@ss/word' }).redisUrl)
      .toBe('rediss://app:p%40ss%2Fword@r:6379');
  });

  it('registry credentials are taken out of the URL (fetch refuses such URLs) and compatibility is set only when configured', () => {
    const c = connectionConfig({ SCHEMA_REGISTRY_URL: 'https://ops:s%3Acret@reg.internal:8443/apis/ccompat/v7' });
    expect(c.registryUrl).toBe('https://reg.internal:8443/apis/ccompat/v7');
    expect(c.registry).toEqual({ url: c.registryUrl, username: 'ops', password: 's:cret' });
    const d = connectionConfig({ SCHEMA_REGISTRY_USERNAME: 'u', SCHEMA_REGISTRY_PASSWORD: 'p', SCHEMA_REGISTRY_COMPATIBILITY: 'FULL' });
    expect(d.registry).toMatchObject({ username: 'u', password: 'p', compatibility: 'FULL' });
    expect(() => connectionConfig({ SCHEMA_REGISTRY_COMPATIBILITY: 'SOMETIMES' })).toThrow(/SCHEMA_REGISTRY_COMPATIBILITY: expected one of/);
  });
});
