import { describe, expect, it } from 'vitest';
import { TimerQueue } from '../../../shared/domain/src/churn/timer-queue';
import { copyChurnState } from '../../../shared/domain/src/churn/churn-state-copy';
import type { CustomerChurnState } from '../../../shared/contracts/src/keyspace/churn-watch/churn-state';

/** The oracle: a plain map, scanned for the earliest (dueAt, customerId) each time. */
class ScanQueue {
  readonly due = new Map<string, number>();
  popDue(until: number): { customerId: string; dueAt: number } | null {
    let next: { customerId: string; dueAt: number } | null = null;
    for (const [customerId, dueAt] of this.due) {
      if (dueAt > until) continue;
      if (!next || dueAt < next.dueAt || (dueAt === next.dueAt && customerId < next.customerId)) next = { customerId, dueAt };
    }
    if (next) this.due.delete(next.customerId);
    return next;
  }
}

/** mulberry32: a seeded generator, so a failure replays */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('TimerQueue', () => {
  it('pops what a scan of every timer would, in the same order, through sets, moves, drops and pops', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed);
      const initial = Array.from({ length: 50 }, (_, i) => ({ customerId: `c${i}`, dueAt: Math.floor(rnd() * 100) }));
      const q = new TimerQueue(initial);
      const oracle = new ScanQueue();
      for (const t of initial) oracle.due.set(t.customerId, t.dueAt);
      let popped = 0;
      for (let step = 0; step < 2_000; step++) {
        const id = `c${Math.floor(rnd() * 80)}`;
        const r = rnd();
        if (r < 0.4) {
          const dueAt = Math.floor(rnd() * 120); // often the same due time as another customer: ties
          q.set(id, dueAt);
          oracle.due.set(id, dueAt);
        } else if (r < 0.55) {
          q.delete(id);
          oracle.due.delete(id);
        } else {
          const until = Math.floor(rnd() * 120);
          const got = q.popDue(until);
          expect(got).toEqual(oracle.popDue(until));
          if (got) popped++;
        }
        expect(q.size).toBe(oracle.due.size);
      }
      expect(popped).toBeGreaterThan(100);
    }
  });

  it('gives a customer set again to a time it already held once more after it fired', () => {
    const q = new TimerQueue([{ customerId: 'a', dueAt: 5 }]);
    expect(q.popDue(10)).toEqual({ customerId: 'a', dueAt: 5 });
    q.set('a', 5);
    expect(q.popDue(10)).toEqual({ customerId: 'a', dueAt: 5 });
    expect(q.popDue(10)).toBeNull();
  });

  it('keeps timers due later than asked', () => {
    const q = new TimerQueue([{ customerId: 'b', dueAt: 20 }, { customerId: 'a', dueAt: 20 }, { customerId: 'c', dueAt: 30 }]);
    expect(q.popDue(19)).toBeNull();
    expect(q.popDue(25)).toEqual({ customerId: 'a', dueAt: 20 });
    expect(q.popDue(25)).toEqual({ customerId: 'b', dueAt: 20 });
    expect(q.popDue(25)).toBeNull();
    expect(q.size).toBe(1);
  });
});

describe('copyChurnState', () => {
  it('equals what structuredClone gives, and shares nothing with the original', () => {
    const s: CustomerChurnState = {
      customerId: 'c1',
      tier: 'A',
      downgrade: { fromTier: 'A', toTier: 'B', at: 7 },
      agg: {
        seq: 3, watermark: 9, revenueMinor: 100, profitMinor: 20, txCount: 4, firstActivityAt: 1, lastActivityAt: 8,
        currentRevenueMinor: 50, previousRevenueMinor: 60, currentCount: 2, previousCount: 2,
      },
      signals: {
        REVENUE_DECLINE: { active: true, severity: 'HIGH', strength: 0.8, notified: true, lastRaisedAt: 5, lastRaisedSeverity: 'MEDIUM' },
        INACTIVITY: { active: false, severity: 'LOW', strength: 0, notified: false, lastRaisedAt: null, lastRaisedSeverity: null },
      },
      timerDueAt: 12,
      score: 0.8,
      attractiveness: 'HIGH',
      relationship: 'GOOD',
      strategy: 'grow',
      updatedAt: 9,
    };
    const copy = copyChurnState(s);
    expect(copy).toEqual(structuredClone(s));
    copy.downgrade!.at = 0;
    copy.agg!.seq = 99;
    copy.signals.REVENUE_DECLINE!.strength = 0;
    expect(s.downgrade!.at).toBe(7);
    expect(s.agg!.seq).toBe(3);
    expect(s.signals.REVENUE_DECLINE!.strength).toBe(0.8);
    const bare = copyChurnState({ ...s, downgrade: null, agg: null, signals: {} });
    expect(bare).toEqual({ ...s, downgrade: null, agg: null, signals: {} });
  });
});
