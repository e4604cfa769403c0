import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchHeartbeat } from '@tierflow/runtime/kafka/batch-heartbeat';
import { isRebalanceError } from '@tierflow/runtime/kafka/rebalance-error';

const kafkaError = (type: string) => Object.assign(new Error(type), { type });

describe('batchHeartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('heartbeats every interval while a batch runs, and not after stop()', async () => {
    const heartbeat = vi.fn(() => Promise.resolve());
    const m = batchHeartbeat(heartbeat, 1_000);
    await vi.advanceTimersByTimeAsync(3_500);
    expect(heartbeat).toHaveBeenCalledTimes(3);
    m.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(heartbeat).toHaveBeenCalledTimes(3);
  });

  it('remembers a rebalance a timed heartbeat reported, and check() returns it', async () => {
    let fail: Error | null = null;
    const heartbeat = vi.fn(() => (fail ? Promise.reject(fail) : Promise.resolve()));
    const m = batchHeartbeat(heartbeat, 1_000);
    expect(await m.check()).toBeNull();
    fail = kafkaError('REBALANCE_IN_PROGRESS');
    await vi.advanceTimersByTimeAsync(1_000);
    fail = null; // later heartbeats succeed: the rebalance is still remembered
    expect(await m.check()).toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    m.stop();
  });

  it('leaves other failures to kafkajs (check() says no rebalance)', async () => {
    const m = batchHeartbeat(() => Promise.reject(kafkaError('REQUEST_TIMED_OUT')), 1_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await m.check()).toBeNull();
    m.stop();
  });

  it('does nothing without a heartbeat function', async () => {
    const m = batchHeartbeat(undefined);
    expect(await m.check()).toBeNull();
    m.stop();
  });
});

describe('isRebalanceError', () => {
  it('is the error types kafkajs rejoins on', () => {
    for (const t of ['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']) expect(isRebalanceError(kafkaError(t))).toBe(true);
    for (const e of [kafkaError('REQUEST_TIMED_OUT'), new Error('x'), null, undefined, 'REBALANCE_IN_PROGRESS']) expect(isRebalanceError(e)).toBe(false);
  });
});
