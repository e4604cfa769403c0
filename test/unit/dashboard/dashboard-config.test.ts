import { describe, expect, it } from 'vitest';
import { ConfigError } from '@tierflow/runtime/config/config-env';
import { dashboardConfig, isLoopback } from '../../../services/dashboard/src/dashboard-config';

describe('dashboardConfig', () => {
  it('binds to 127.0.0.1 without a token by default', () => {
    expect(dashboardConfig({})).toMatchObject({ host: '127.0.0.1', port: 8088, apiToken: null, keyPrefix: 'tf:' });
  });

  it('refuses a non-loopback bind without DASHBOARD_API_TOKEN, naming the variable', () => {
    expect(() => dashboardConfig({ DASHBOARD_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => dashboardConfig({ DASHBOARD_HOST: '0.0.0.0' })).toThrow(/DASHBOARD_API_TOKEN: required when DASHBOARD_HOST is 0\.0\.0\.0/);
  });

  it('accepts a non-loopback bind with a token, and rejects a short token', () => {
    expect(dashboardConfig({ DASHBOARD_HOST: '0.0.0.0', DASHBOARD_API_TOKEN: 'x'.repeat(16) }).apiToken).toBe('x'.repeat(16));
    expect(() => dashboardConfig({ DASHBOARD_HOST: '0.0.0.0', DASHBOARD_API_TOKEN: 'short' })).toThrow(/DASHBOARD_API_TOKEN: expected at least 16 characters/);
    expect(() => dashboardConfig({ DASHBOARD_PORT: 'eighty' })).toThrow(/DASHBOARD_PORT/);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.5', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});
