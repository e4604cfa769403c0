import { describe, expect, it } from 'vitest';
import { gini, lorenzPoints, shareOfTop } from '../../../shared/views/src/concentration';

describe('concentration', () => {
  it('is 0 for equal customers and grows with concentration', () => {
    expect(gini([5, 5, 5, 5])).toBeCloseTo(0, 12);
    // one customer of n holds everything: G = (n - 1) / n
    expect(gini([100, 0, 0, 0])).toBeCloseTo(0.75, 12);
    expect(gini([])).toBeNull();
    expect(gini([0, -3])).toBeNull();
  });

  it('draws the Lorenz curve from the largest customer down, from (0,0) to (1,1)', () => {
    expect(lorenzPoints([60, 30, 10], 3)).toEqual([[0, 0], [1 / 3, 0.6], [2 / 3, 0.9], [1, 1]]);
    const many = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const curve = lorenzPoints(many, 50);
    expect(curve[0]).toEqual([0, 0]);
    expect(curve.at(-1)).toEqual([1, 1]);
    expect(curve.length).toBeLessThanOrEqual(52);
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]![0]).toBeGreaterThan(curve[i - 1]![0]);
      expect(curve[i]![1]).toBeGreaterThanOrEqual(curve[i - 1]![1]);
    }
    expect(lorenzPoints([], 10)).toEqual([]);
  });

  it('treats non-positive values as no value', () => {
    expect(shareOfTop([80, 20, -50], 1)).toBeCloseTo(0.8, 12);
    expect(lorenzPoints([80, 20, -50], 3).at(-2)).toEqual([2 / 3, 1]);
  });
});
