import { describe, expect, it } from 'vitest';
import {
  defaultStrategyMatrix,
  parseStrategyMatrix,
  strategyFor,
} from '../../../shared/domain/src/strategy/strategy-matrix';
import type { Attractiveness, Relationship } from '../../../shared/contracts/src/events/event-types';

const cells: Array<[Attractiveness, Relationship, string]> = [
  ['HIGH', 'POOR', 'maintain-and-develop'],
  ['HIGH', 'AVERAGE', 'develop'],
  ['HIGH', 'GOOD', 'develop-and-defend'],
  ['MEDIUM', 'POOR', 'maintain-minimally'],
  ['MEDIUM', 'AVERAGE', 'maintain-selectively'],
  ['MEDIUM', 'GOOD', 'defend'],
  ['LOW', 'POOR', 'exit'],
  ['LOW', 'AVERAGE', 'maintain-minimally'],
  ['LOW', 'GOOD', 'defend-selectively'],
];

describe('strategy matrix (DESIGN.md default)', () => {
  it.each(cells)('%s attractiveness x %s relationship -> %s', (a, r, expected) => {
    expect(strategyFor(a, r)).toBe(expected);
    expect(strategyFor(a, r, parseStrategyMatrix(undefined))).toBe(expected);
  });

  it('an override replaces only the cells it names', () => {
    const m = parseStrategyMatrix('{"low":{"poor":"reduce-service"},"high":{"good":"partner"}}');
    expect(strategyFor('LOW', 'POOR', m)).toBe('reduce-service');
    expect(strategyFor('HIGH', 'GOOD', m)).toBe('partner');
    for (const [a, r, expected] of cells) {
      if ((a === 'LOW' && r === 'POOR') || (a === 'HIGH' && r === 'GOOD')) continue;
      expect(strategyFor(a, r, m)).toBe(expected);
    }
    expect(defaultStrategyMatrix.LOW.POOR).toBe('exit');
  });

  it('rejects malformed overrides with a readable message', () => {
    expect(() => parseStrategyMatrix('{not json')).toThrow(/not JSON/);
    expect(() => parseStrategyMatrix('{"huge":{"poor":"x"}}')).toThrow(/strategy matrix/);
    expect(() => parseStrategyMatrix('{"low":{"poor":""}}')).toThrow(/low\.poor/);
  });
});
