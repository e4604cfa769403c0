import { Partitioners, type ICustomPartitioner } from 'kafkajs';

/** Keys remembered per partition count before the memory is dropped and filled again. */
const MAX_KEYS = 1_000_000;

/**
 * Kafka's default partitioner (murmur2 of the key, as the Java client and kafkajs compute it),
 * remembering each string key's partition per partition count. kafkajs copies the key into a
 * new Buffer and hashes it for every message; a customer's key comes again and again, and its
 * partition only changes with the topic's partition count. Messages without a string key, or
 * with an explicit partition, go to the default partitioner unchanged.
 */
export const CachingPartitioner: ICustomPartitioner = () => {
  const inner = Partitioners.DefaultPartitioner();
  const byCount = new Map<number, Map<string, number>>();
  return (args) => {
    const { message, partitionMetadata } = args;
    const key = message.key;
    if (typeof key !== 'string' || (message.partition !== undefined && message.partition !== null)) return inner(args);
    let known = byCount.get(partitionMetadata.length);
    if (!known) byCount.set(partitionMetadata.length, (known = new Map()));
    let partition = known.get(key);
    if (partition === undefined) {
      partition = inner(args);
      if (known.size >= MAX_KEYS) known.clear();
      known.set(key, partition);
    }
    return partition;
  };
};
