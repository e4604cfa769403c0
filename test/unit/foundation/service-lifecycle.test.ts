import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const fixture = path.resolve(__dirname, '../../support/lifecycle-service.ts');

/**
 * Runs the fixture service; `signal` is sent shortly after it printed `started` (the signals are
 * trapped once its start resolved; before, a signal ends the process as it always did).
 */
function run(env: Record<string, string>, signal?: NodeJS.Signals): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (signal && !sent && out.includes('started\n')) {
        sent = true;
        setTimeout(() => child.kill(signal), 300);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('runService: the one service lifecycle', () => {
  it('on SIGTERM runs the stop steps in reverse order, logs a failing one, and exits 0', async () => {
    const { code, out } = await run({}, 'SIGTERM');
    expect(code).toBe(0);
    const steps = out.split('\n').filter((l) => l.startsWith('stop '));
    expect(steps).toEqual(['stop third', 'stop second', 'stop first']);
    expect(out).toMatch(/"msg":"stopping"/);
    expect(out).toMatch(/"msg":"stop step failed"/);
    expect(out).toMatch(/"msg":"stopped"/);
  }, 30_000);

  it('stops the same way on SIGINT', async () => {
    const { code, out } = await run({}, 'SIGINT');
    expect(code).toBe(0);
    expect(out).toMatch(/"signal":"SIGINT"/);
  }, 30_000);

  it('names each bad variable of a bad configuration and exits 1', async () => {
    const { code, out, err } = await run({ LIFECYCLE_NUMBER: 'many' });
    expect(code).toBe(1);
    expect(err).toMatch(/lifecycle-test: invalid configuration:\n {2}LIFECYCLE_NUMBER: /);
    expect(out).toMatch(/"code":"CONFIG_INVALID","msg":"lifecycle-test failed to start"/);
  }, 30_000);

  it('exits 1 when the start fails, with its message and code', async () => {
    const { code, out } = await run({ LIFECYCLE_FAIL: 'start' });
    expect(code).toBe(1);
    expect(out).toMatch(/"err":"cannot reach the thing","code":"NETWORK","msg":"lifecycle-test failed to start"/);
  }, 30_000);
});
