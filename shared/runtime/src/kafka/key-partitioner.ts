import { Partitioners, type ICustomPartitioner } from 'kafkajs';
import { murmur2Ascii, partitionOfHash } from '@tierflow/contracts/keyspace/murmur2';

/**
 * Kafka's default partitioner (murmur2 of the key, as the Java client and kafkajs compute it)
 * without kafkajs's cost per message: for an ASCII string key (every customerId) the hash is
 * computed in 32-bit arithmetic (contracts/keyspace/murmur2.ts), where kafkajs copies the key
 * into a new Buffer, hashes it with 64-bit Long objects and filters the partition list for every
 * message. Messages with another key, no key, or an explicit partition go to the default
 * partitioner unchanged.
 */
export const KeyPartitioner: ICustomPartitioner = () => {
  const inner = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    const key = message.key;
    if (typeof key !== 'string' || (message.partition !== undefined && message.partition !== null)) return inner(args);
    const hash = murmur2Ascii(key);
    return hash === null ? inner(args) : partitionOfHash(hash, partitionMetadata.length);
  };
};
