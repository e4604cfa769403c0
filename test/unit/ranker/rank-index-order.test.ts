import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdOrder } from '../../../shared/domain/src/ranking/index/order';

describe('IdOrder', () => {
  it('never orders two ids against string order, as ids arrive and the packing changes', () => {
    const id = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer({ min: 0, max: 99_999 }).map((n) => `cust-${String(n).padStart(7, '0')}`),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 60 }), (list) => {
        const ids: string[] = [];
        const order = new IdOrder(ids);
        for (const next of list) {
          ids.push(next);
          order.keyOf(ids.length - 1);
          for (let a = 0; a < ids.length; a++) {
            for (let b = 0; b < ids.length; b++) {
              const ka = order.keyOf(a);
              const kb = order.keyOf(b);
              if (ka < kb) expect((ids[a] as string) < (ids[b] as string)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('bumps the epoch when known keys change, and resolves ids that differ early after the common prefix', () => {
    const ids = ['cust-0000012', 'cust-0000013'];
    const order = new IdOrder(ids);
    const first = order.keyOf(0);
    expect(order.epoch).toBe(0);
    expect(order.keyOf(1)).toBeGreaterThan(first);
    ids.push('cust-0000100', 'shop-1');
    expect(order.keyOf(3)).toBeGreaterThan(order.keyOf(2));
    expect(order.epoch).toBeGreaterThan(0);
    // with no common prefix left, the first six units no longer tell these two apart: equal keys
    expect(order.keyOf(0)).toBe(order.keyOf(1));
  }, 120_000);
});
