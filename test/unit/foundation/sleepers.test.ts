import { describe, expect, it } from 'vitest';
import { Sleepers } from '@tierflow/runtime/timing/sleepers';

describe('Sleepers', () => {
  it('ends every sleep at wakeAll, and a sleep by itself after its time', async () => {
    const s = new Sleepers();
    const started = Date.now();
    const long = [s.sleep(60_000), s.sleep(60_000)];
    setTimeout(() => s.wakeAll(), 20);
    await Promise.all(long);
    expect(Date.now() - started).toBeLessThan(5_000);
    const t = Date.now();
    await s.sleep(30);
    expect(Date.now() - t).toBeGreaterThanOrEqual(25);
    s.wakeAll(); // nothing waiting: no effect
  });
});
