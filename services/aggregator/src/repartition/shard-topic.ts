import type { Admin } from 'kafkajs';
import { ConfigError } from '@tierflow/runtime/config/config-env';

/**
 * The by-customer topic's partitions are the customer shards: every reader finds a customer's
 * keys from murmur2(customerId) over TRANSACTIONS_PARTITIONS, so the topic must have exactly
 * that many. A mismatch (an operator raised its count, or the setting changed) stops the
 * service at start with the variable named, before anything is written to the wrong shard.
 */
export async function checkShardTopic(admin: Admin, topic: string, shards: number): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const count = topics[0]?.partitions.length ?? 0;
  if (count !== shards) {
    throw new ConfigError([{
      variable: 'TRANSACTIONS_PARTITIONS',
      message: `is ${shards}, but ${topic} (the customer shards) has ${count} partitions; the shard count never changes once state exists (rebuild to change it)`,
    }]);
  }
}
