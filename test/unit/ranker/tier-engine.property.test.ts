import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beginRestore, restoreEngine, snapshotOf } from '../../../shared/domain/src/ranking/engine-snapshot';
import { decodeSnapshot, encodeSnapshot } from '../../../shared/contracts/src/keyspace/ranker/customer-record';
import { TierEngine } from '../../../shared/domain/src/ranking/tier-engine';
import type { TierRules } from '../../../shared/domain/src/ranking/tier-rules';
import { TIERS } from '../../../shared/contracts/src/tier';
import { TierOracle, type OracleChange } from './tier-oracle';

const IDS = ['c00', 'c01', 'c1', 'c10', 'c2', 'b', 'a9', 'z', 'cc', 'c3', 'd', 'e7', 'f', 'g', 'h0', 'i'];
const REGIONS = [undefined, 'north', 'south', 'east'];

interface Step {
  who: number;
  kind: string;
  value: number;
  region: number;
  moveRegion: boolean;
  dt: number;
}

/** One step: a customer, a basis kind (growth, decline, refund to zero, tie, whale), a region. */
const step: fc.Arbitrary<Step> = fc.record({
  who: fc.integer({ min: 0, max: IDS.length - 1 }),
  kind: fc.constantFrom('set', 'set', 'set', 'zero', 'negative', 'whale', 'tie', 'stale'),
  value: fc.integer({ min: 1, max: 40 }),
  region: fc.integer({ min: 0, max: REGIONS.length - 1 }),
  moveRegion: fc.boolean(),
  dt: fc.integer({ min: 0, max: 5_000 }),
});

/**
 * Runs the steps through the engine and the oracle, comparing after every step. With
 * restartAt, the engine is snapshotted at that step and replaced by one restored from the
 * snapshots (as a standby rebuilds from Redis), and the run goes on with it.
 */
function run(rules: TierRules, steps: Step[], regions: boolean, restartAt = -1) {
  const make = () => new TierEngine({ rules, configVersion: 'test', regions, indexShape: { leafCapacity: 4, fanout: 4 } });
  let engine = make();
  const oracle = new TierOracle(rules, regions);
  const seqs = new Map<string, number>();
  const regionOf = new Map<string, string | undefined>();
  let now = 1_000_000;
  for (const [i, s] of steps.entries()) {
    if (i === restartAt) {
      const texts = Array.from({ length: engine.customers.size }, (_, h) => [engine.customers.idOf(h), encodeSnapshot(snapshotOf(engine, h))] as const);
      engine = make();
      if (i % 2 === 0) {
        // the rebuild's fast path, in another order, with a repeated field (HSCAN may repeat)
        const restore = beginRestore(engine);
        for (const [id, text] of [...texts.reverse(), ...texts.slice(0, 1)]) restore.addEncoded(id, text);
        restore.finish();
      } else {
        restoreEngine(engine, texts.map(([id, text]) => decodeSnapshot(id, text)));
      }
    }
    const id = IDS[s.who] as string;
    now += s.dt;
    const last = seqs.get(id) ?? 0;
    const seq = s.kind === 'stale' ? Math.max(0, last - 1) : last + 1;
    const basis =
      s.kind === 'zero' ? 0 : s.kind === 'negative' ? -s.value * 10 : s.kind === 'whale' ? s.value * 10_000 : s.kind === 'tie' ? 500 : s.value * 100;
    if (!regionOf.has(id) || s.moveRegion) regionOf.set(id, REGIONS[s.region]);
    const update = { customerId: id, seq, eventTime: now, basis, region: regionOf.get(id), causeEventId: `${id}:${seq}` };
    const got = engine.apply(update);
    const want = oracle.apply(update);
    if (want === null) {
      expect(got).toBeNull();
      continue;
    }
    seqs.set(id, seq);
    expect(got).not.toBeNull();
    const key = (c: OracleChange) => `${c.scope}|${c.customerId}|${c.from}>${c.to}`;
    const gotKeys = (got ?? []).map((e) => key({ scope: e.scope, customerId: e.customerId, from: e.fromTier, to: e.toTier }));
    expect(new Set(gotKeys).size).toBe(gotKeys.length);
    expect(gotKeys.sort()).toEqual(want.map(key).sort());
    for (const e of got ?? []) {
      expect(e.eventId).toBe(`${e.scope}|${e.customerId}|${update.causeEventId}`);
      expect(e.direction).toBe(TIERS.indexOf(e.toTier) < TIERS.indexOf(e.fromTier) ? 'UPGRADE' : 'DOWNGRADE');
    }
    // every customer's raw and published tier in every scope equals the brute force
    for (const [k, raw] of oracle.raw) {
      const [scope, cid] = k.split('|') as [string, string];
      const v = engine.view(scope, cid);
      expect(v, k).not.toBeNull();
      expect([k, v?.raw]).toEqual([k, raw]);
      expect([k, v?.published]).toEqual([k, oracle.pub.get(k)?.tier]);
    }
  }
  for (const scope of engine.scopes) scope.index.checkInvariants();
}

const genSteps = () => fc.array(step, { minLength: 1, maxLength: 120 });

const share: TierRules = { mode: 'share', thresholdA: 0.8, thresholdB: 0.95, margin: 0, minDwellMs: 0 };

describe('TierEngine against a brute-force sort-and-sum after every step', () => {
  it('share mode, global and regional scopes', () => {
    fc.assert(fc.property(genSteps(), (steps) => run(share, steps, true)), { numRuns: 300 });
  }, 120_000);

  it('share mode with other thresholds, global only', () => {
    fc.assert(
      fc.property(genSteps(), fc.constantFrom([0.5, 0.9], [0.8, 0.8], [0.3, 1]), (steps, [a, b]) =>
        run({ ...share, thresholdA: a as number, thresholdB: b as number }, steps, false),
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('count mode (top 20% A, next 30% B), with scopes', () => {
    const count: TierRules = { mode: 'count', thresholdA: 0.2, thresholdB: 0.5, margin: 0, minDwellMs: 0 };
    fc.assert(fc.property(genSteps(), (steps) => run(count, steps, true)), { numRuns: 250 });
  }, 120_000);

  it('published tier with a hysteresis margin and a minimum dwell, raw tier still exact', () => {
    fc.assert(
      fc.property(
        genSteps(),
        fc.constantFrom(0.03, 0.1),
        fc.constantFrom(0, 4_000),
        fc.constantFrom<'share' | 'count'>('share', 'count'),
        (steps, margin, minDwellMs, mode) =>
          run(
            mode === 'share'
              ? { ...share, margin, minDwellMs }
              : { mode, thresholdA: 0.2, thresholdB: 0.5, margin, minDwellMs },
            steps,
            true,
          ),
      ),
      { numRuns: 250 },
    );
  }, 120_000);

  it('minimum dwell alone', () => {
    fc.assert(fc.property(genSteps(), (steps) => run({ ...share, minDwellMs: 3_000 }, steps, true)), { numRuns: 200 });
  }, 120_000);

  it('an engine restored from snapshots mid-stream continues with the same changes (hysteresis on)', () => {
    fc.assert(
      fc.property(genSteps(), fc.nat(), fc.constantFrom<'share' | 'count'>('share', 'count'), (steps, at, mode) =>
        run(
          mode === 'share'
            ? { ...share, margin: 0.05, minDwellMs: 3_000 }
            : { mode, thresholdA: 0.2, thresholdB: 0.5, margin: 0.05, minDwellMs: 3_000 },
          steps,
          true,
          at % (steps.length + 1),
        ),
      ),
      { numRuns: 250 },
    );
  }, 120_000);
});
