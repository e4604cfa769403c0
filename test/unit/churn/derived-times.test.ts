import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCustomer, type ChurnInput } from '../../../shared/domain/src/churn/churn-evaluator';
import { DAY_MS, defaultThresholds } from '../../../shared/domain/src/churn/churn-types';
import type { ChurnRiskEvent } from '../../../shared/contracts/src/events/event-types';
import type { CustomerChurnState } from '../../../shared/contracts/src/keyspace/churn-watch/churn-state';
import { inactivityThresholdMs, nextInactivityCheck } from '../../../shared/domain/src/churn/signal-measures';

const T0 = Date.UTC(2026, 0, 1);

/**
 * Every time churn-watch derives (a timer's due time, an event's eventTime and watermark) is a
 * whole millisecond: they are Avro longs, and a fractional one could not be encoded (issue 14:
 * a silence timer at lastActivityAt + gap x 2.5 crash-looped the outbox flusher).
 */
describe('churn-watch derived times', () => {
  it('the case of issue 14: an odd usual gap times a fractional factor', () => {
    const t = { ...defaultThresholds, inactivityGapFactor: 2.5, inactivityFloorMs: 0 };
    const agg = {
      seq: 3, watermark: T0, revenueMinor: 1, profitMinor: 1, txCount: 3, firstActivityAt: T0 - 1_000_001,
      lastActivityAt: T0, currentRevenueMinor: 1, previousRevenueMinor: 1, currentCount: 1, previousCount: 1,
    };
    const state = { agg } as unknown as CustomerChurnState;
    expect((1_000_001 / 3) * 2.5 % 1).not.toBe(0); // the unrounded threshold is fractional
    expect(Number.isInteger(inactivityThresholdMs(state, t))).toBe(true);
    const due = nextInactivityCheck(state, T0, t);
    expect(due).not.toBeNull();
    expect(Number.isInteger(due)).toBe(true);
    expect(due).toBeGreaterThanOrEqual(T0 + (1_000_001 / 3) * 2.5); // never before the threshold
  });

  it('property: timers and events of a key account stay integers through aggregates and timer firings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 500 }),
        fc.integer({ min: 1, max: 400 * DAY_MS }),
        fc.double({ min: 0.1, max: 7, noNaN: true }),
        fc.double({ min: 0, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        (txCount, span, factor, floorDays, tenureDays) => {
          const thresholds = {
            ...defaultThresholds,
            inactivityGapFactor: factor,
            inactivityFloorMs: Math.round(floorDays * DAY_MS),
            minTenureMs: Math.round(tenureDays * DAY_MS),
          };
          const customerId = 'C1';
          let state: CustomerChurnState | null = null;
          const events: ChurnRiskEvent[] = [];
          const feed = (input: ChurnInput, now: number) => {
            const r = evaluateCustomer({ customerId, state, input, now, watermark: now, satisfactionScore: null, thresholds });
            state = r.state;
            events.push(...r.events);
          };
          const last = T0 + span;
          feed({ kind: 'tier', eventId: 't1', fromTier: 'C', toTier: 'A', causeOffset: null }, T0);
          feed({
            kind: 'aggregate', eventId: `${customerId}:1`,
            agg: {
              seq: 1, watermark: last, revenueMinor: 1_000_000, profitMinor: 1, txCount, firstActivityAt: T0, lastActivityAt: last,
              currentRevenueMinor: 10, previousRevenueMinor: 1_000_000, currentCount: 1, previousCount: 10,
            },
          }, last);
          for (let i = 0; i < 3; i++) {
            const s = state as CustomerChurnState | null;
            if (!s || s.timerDueAt === null) break;
            expect(Number.isInteger(s.timerDueAt)).toBe(true);
            feed({ kind: 'timer', dueAt: s.timerDueAt }, s.timerDueAt);
          }
          for (const e of events) {
            expect(Number.isInteger(e.eventTime)).toBe(true);
            expect(Number.isInteger(e.watermark)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
