import { describe, expect, it } from 'vitest';
import { sortAndSumTierChanges } from '../../support/tier-sort-and-sum';
import { prng } from '../../../tools/testkit/src/transaction-fixtures';
import { TierOracle } from './tier-oracle';

describe('the fault suite tier oracle (sort and sum)', () => {
  it('gives the changes a full sort after every update gives, on random streams', () => {
    const rules = { mode: 'share' as const, thresholdA: 0.8, thresholdB: 0.95, margin: 0, minDwellMs: 0 };
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = prng(seed);
      const seqs = new Map<string, number>();
      const updates = Array.from({ length: 400 }, (_, i) => {
        const id = `C${Math.floor(rnd() * 40)}`;
        // repeats and stale seqs too, as a topic with duplicates has them
        const seq = rnd() < 0.1 ? (seqs.get(id) ?? 1) : (seqs.get(id) ?? 0) + 1;
        seqs.set(id, Math.max(seq, seqs.get(id) ?? 0));
        const basis = rnd() < 0.1 ? 0 : rnd() < 0.2 ? 1000 : Math.floor(rnd() ** 3 * 100_000) - 500;
        return { customerId: id, seq, eventId: `${id}:${seq}:${i}`, basis };
      });
      const brute = new TierOracle(rules, false);
      const expected = updates.flatMap((u) => (brute.apply({ ...u, eventTime: 0 }) ?? []).map((c) => `${c.customerId}|${c.from}>${c.to}|${u.eventId}`));
      const got = sortAndSumTierChanges(updates, rules).map((c) => `${c.customerId}|${c.fromTier}>${c.toTier}|${c.causeEventId}`);
      expect(got.sort(), `seed ${seed}`).toEqual(expected.sort());
    }
  });
});
