import { describe, expect, it } from 'vitest';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { CachingPartitioner } from '../../../shared/runtime/src/kafka/caching-partitioner';

const metadata = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }));

describe('CachingPartitioner', () => {
  it("gives every string key the default partitioner's partition, asked once or again, for several partition counts", () => {
    const cached = CachingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const n of [1, 6, 7, 12, 6]) {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 2_000; i++) {
          const key = i % 3 === 0 ? `cust-${i}` : `Ä-${i * 7919}-é`;
          const args = { topic: 't', partitionMetadata: metadata(n), message: { key, value: null } };
          expect(cached(args)).toBe(reference(args));
        }
      }
    }
  });

  it('keeps an explicit partition, and hashes Buffer keys as the default partitioner does', () => {
    const cached = CachingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    expect(cached({ topic: 't', partitionMetadata: metadata(6), message: { key: 'x', value: null, partition: 4 } })).toBe(4);
    const args = { topic: 't', partitionMetadata: metadata(6), message: { key: Buffer.from('cust-42'), value: null } };
    expect(cached(args)).toBe(reference(args));
    // the explicit partition was not remembered for the key
    const plain = { topic: 't', partitionMetadata: metadata(6), message: { key: 'x', value: null } };
    expect(cached(plain)).toBe(reference(plain));
  });
});
