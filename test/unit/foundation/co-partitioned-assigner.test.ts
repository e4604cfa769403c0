import { describe, expect, it } from 'vitest';
import { coPartitionedAssignment } from '../../../shared/runtime/src/kafka/co-partitioned-assigner';

const topics = (source: number, shards: number) => [
  { topic: 'billing.transactions', partitions: Array.from({ length: source }, (_, i) => i) },
  { topic: 'billing.transactions.by-customer', partitions: Array.from({ length: shards }, (_, i) => shards - 1 - i) },
];

describe('coPartitionedAssignment', () => {
  it('gives partition P of every topic to one member, each partition to exactly one, every member an entry', () => {
    for (const members of [['a'], ['b', 'a'], ['m3', 'm1', 'm2'], ['a', 'b', 'c', 'd', 'e', 'f', 'g']]) {
      for (const [source, shards] of [[6, 6], [9, 6], [6, 12]] as const) {
        const out = coPartitionedAssignment(members, topics(source, shards));
        expect([...out.keys()].sort()).toEqual([...members].sort());
        const owner = new Map<string, string>();
        for (const [member, byTopic] of out) {
          for (const [topic, partitions] of Object.entries(byTopic)) {
            for (const p of partitions) {
              expect(owner.has(`${topic}:${p}`)).toBe(false);
              owner.set(`${topic}:${p}`, member);
            }
          }
        }
        expect(owner.size).toBe(source + shards);
        // the same partition number, the same member, whichever topic
        for (let p = 0; p < Math.min(source, shards); p++) {
          expect(owner.get(`billing.transactions:${p}`)).toBe(owner.get(`billing.transactions.by-customer:${p}`));
        }
      }
    }
  });

  it('spreads the shards evenly over the members, in member-id order', () => {
    const out = coPartitionedAssignment(['y', 'x'], topics(6, 6));
    expect(out.get('x')).toEqual({ 'billing.transactions': [0, 2, 4], 'billing.transactions.by-customer': [0, 2, 4] });
    expect(out.get('y')).toEqual({ 'billing.transactions': [1, 3, 5], 'billing.transactions.by-customer': [1, 3, 5] });
    expect(coPartitionedAssignment([], topics(6, 6)).size).toBe(0);
  });
});
