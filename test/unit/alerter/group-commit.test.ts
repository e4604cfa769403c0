import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../services/alerter/src/group-commit';

describe('GroupCommit', () => {
  it('sends a lone item at once and the items that came during a call together in the next', async () => {
    const calls: number[][] = [];
    let release: (() => void) | null = null;
    const g = new GroupCommit<number, number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((x) => x * 10);
    });
    const first = g.submit(1);
    const rest = [2, 3, 4].map((x) => g.submit(x));
    expect(calls).toEqual([[1]]);
    release!();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(calls).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps to the group size and fails only the group whose call failed', async () => {
    const calls: string[][] = [];
    const g = new GroupCommit<string, string>(async (items) => {
      calls.push(items);
      if (items.includes('bad')) throw new Error('refused');
      return items.map((x) => x.toUpperCase());
    }, 2);
    const results = await Promise.allSettled(['a', 'b', 'bad', 'c', 'd'].map((x) => g.submit(x)));
    expect(calls).toEqual([['a'], ['b', 'bad'], ['c', 'd']]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['A', 'refused', 'refused', 'C', 'D']);
  });
});
