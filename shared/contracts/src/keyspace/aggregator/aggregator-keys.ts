import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';

/** The hash-tagged key base of one source partition: every key one apply call touches starts with it. */
export const partitionBase = (prefix: string, partition: number) => `${prefix}{p${partition}}:`;

export const metaKey = (prefix: string, partition: number) => `${partitionBase(prefix, partition)}meta`;
export const outboxKey = (prefix: string, partition: number) => `${partitionBase(prefix, partition)}outbox`;
export const offsetField = (topic: string, partition: number) => `off:${topic}:${partition}`;

/** The customer's aggregate hash, found from its id and the transactions topic's partition count. */
export function customerKey(prefix: string, customerId: string, partitions: number): string {
  return `${partitionBase(prefix, partitionOfKey(customerId, partitions))}c:${customerId}`;
}
