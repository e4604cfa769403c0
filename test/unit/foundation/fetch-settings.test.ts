import { describe, expect, it } from 'vitest';
import { ConfigError } from '@tierflow/runtime/config/config-env';
import { fetchSettingsFromEnv } from '@tierflow/runtime/kafka/fetch-settings';
import { aggregatorConfig } from '../../../services/aggregator/src/aggregator-config';

describe('fetch settings (KAFKA_FETCH_MIN_BYTES, KAFKA_FETCH_MAX_WAIT_MS)', () => {
  it('waits for 16 KiB or 25 ms by default', () => {
    expect(fetchSettingsFromEnv({})).toEqual({ minBytes: 16_384, maxWaitTimeInMs: 25 });
  });

  it('takes both from the environment', () => {
    expect(fetchSettingsFromEnv({ KAFKA_FETCH_MIN_BYTES: '1', KAFKA_FETCH_MAX_WAIT_MS: '100' })).toEqual({ minBytes: 1, maxWaitTimeInMs: 100 });
  });

  it('names each bad variable', () => {
    let caught: unknown;
    try {
      fetchSettingsFromEnv({ KAFKA_FETCH_MIN_BYTES: '0', KAFKA_FETCH_MAX_WAIT_MS: 'soon' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['KAFKA_FETCH_MAX_WAIT_MS', 'KAFKA_FETCH_MIN_BYTES']);
  });

  it("is checked with a service's own configuration at start", () => {
    expect(() => aggregatorConfig({ KAFKA_FETCH_MAX_WAIT_MS: '-5' })).toThrow(/KAFKA_FETCH_MAX_WAIT_MS/);
  });
});
