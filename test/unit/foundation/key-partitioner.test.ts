import { describe, expect, it } from 'vitest';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { KeyPartitioner } from '../../../shared/runtime/src/kafka/key-partitioner';
import { partitionOfKey } from '../../../shared/contracts/src/keyspace/key-partition';
import { murmur2Ascii } from '../../../shared/contracts/src/keyspace/murmur2';

const metadata = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }));

/** keys of every length 0..40 over the id alphabet, and some outside ASCII */
function keys(): string[] {
  const alphabet = 'ABCXYZabcxyz0123456789._:@-';
  const out: string[] = [];
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff);
  for (let len = 0; len <= 40; len++) {
    for (let j = 0; j < 60; j++) out.push(Array.from({ length: len }, () => alphabet[next() % alphabet.length]).join(''));
  }
  for (let i = 0; i < 2_000; i++) out.push(`cust-${i}`, `C${String(i * 7919).padStart(9, '0')}`);
  out.push('Ä', 'Ä-1-é', 'cust-é', 'abcé', 'abc\u0080', '\u007f\u007f\u007f\u007f');
  return out;
}

describe('KeyPartitioner and partitionOfKey (murmur2 in 32-bit arithmetic)', () => {
  it("give every key kafkajs's default partitioner's partition, for several partition counts", () => {
    const ours = KeyPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const n of [1, 2, 6, 7, 12, 64]) {
      for (const key of keys()) {
        const args = { topic: 't', partitionMetadata: metadata(n), message: { key, value: null } };
        const expected = reference(args);
        expect(ours(args), `${key} over ${n}`).toBe(expected);
        expect(partitionOfKey(key, n), `${key} over ${n}`).toBe(expected);
      }
    }
  });

  it('hashes ASCII keys itself and leaves the others to the long way', () => {
    expect(murmur2Ascii('cust-42')).not.toBeNull();
    expect(murmur2Ascii('')).not.toBeNull();
    expect(murmur2Ascii('abcé')).toBeNull();
    expect(murmur2Ascii('Ä-1')).toBeNull();
  });

  it('keeps an explicit partition, and hashes Buffer keys as the default partitioner does', () => {
    const ours = KeyPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    expect(ours({ topic: 't', partitionMetadata: metadata(6), message: { key: 'x', value: null, partition: 4 } })).toBe(4);
    const args = { topic: 't', partitionMetadata: metadata(6), message: { key: Buffer.from('cust-42'), value: null } };
    expect(ours(args)).toBe(reference(args));
  });
});
