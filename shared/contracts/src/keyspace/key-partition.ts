import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { murmur2Ascii, partitionOfHash } from './murmur2';

const partitioner = Partitioners.DefaultPartitioner();
const metadataCache = new Map<number, PartitionMetadata[]>();

/**
 * The partition Kafka's default partitioner (murmur2, as in the Java client and kafkajs) gives
 * a key among `partitions`. Lets readers find a customer's partition-tagged Redis keys. Ids are
 * ASCII (contracts/validation/ids.ts): hashed in 32-bit arithmetic (murmur2.ts); any other key
 * by kafkajs's partitioner itself.
 */
export function partitionOfKey(key: string, partitions: number): number {
  const hash = murmur2Ascii(key);
  if (hash !== null) return partitionOfHash(hash, partitions);
  let metadata = metadataCache.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
    }));
    metadataCache.set(partitions, metadata);
  }
  return partitioner({ topic: '', partitionMetadata: metadata, message: { key, value: null } });
}
