import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBool, envInt, parseEnv } from '@tierflow/shared/config-env';
import { connectionConfig } from '@tierflow/shared/connection-config';

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
    const c = connectionConfig({});
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
