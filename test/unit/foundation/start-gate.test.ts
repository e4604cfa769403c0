import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGate } from '@tierflow/runtime/kafka/start-gate';

describe('startGate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds a batch, heartbeating, until go; then lets every batch through at once', async () => {
    let go: () => void = () => undefined;
    const wait = startGate(new Promise<void>((r) => (go = r)), 250);
    const heartbeat = vi.fn(() => Promise.resolve());
    let through = false;
    const held = wait(heartbeat).then(() => (through = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(through).toBe(false);
    expect(heartbeat.mock.calls.length).toBeGreaterThanOrEqual(4);
    go();
    await held;
    expect(through).toBe(true);
    const calls = heartbeat.mock.calls.length;
    await wait(heartbeat); // open for good: no wait, no heartbeat
    expect(heartbeat.mock.calls.length).toBe(calls);
  });

  it('ends the held batch with the heartbeat error of a rebalance', async () => {
    const wait = startGate(new Promise<void>(() => undefined), 250);
    const rebalance = Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
    let n = 0;
    const heartbeat = () => (++n >= 3 ? Promise.reject(rebalance) : Promise.resolve());
    const held = wait(heartbeat);
    const outcome = held.then(() => 'through', (err: unknown) => err);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await outcome).toBe(rebalance);
  });
});
