import type { Admin } from 'kafkajs';
import type { Topics } from '@tierflow/contracts/topics';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  compacted: boolean;
}

/**
 * The pipeline's topics with their partition counts and cleanup policies (docs/contracts.md).
 * `transactionPartitions` (TRANSACTIONS_PARTITIONS) is the number of customer shards: the
 * partitions of the internal by-customer topic, which never changes, and of billing.transactions
 * when the pipeline creates it (its count may be raised later; the shards stay).
 */
export function pipelineTopicSpecs(topics: Topics, transactionPartitions: number): TopicSpec[] {
  return [
    { topic: topics.transactions, numPartitions: transactionPartitions, compacted: false },
    { topic: topics.transactionsByCustomer, numPartitions: transactionPartitions, compacted: false },
    { topic: topics.transactionsDlq, numPartitions: 1, compacted: false },
    { topic: topics.profiles, numPartitions: 3, compacted: true },
    { topic: topics.profilesDlq, numPartitions: 1, compacted: false },
    { topic: topics.aggregates, numPartitions: 1, compacted: true },
    { topic: topics.tierChanges, numPartitions: 1, compacted: false },
    { topic: topics.churnRisk, numPartitions: 1, compacted: false },
  ];
}

/** Creates the topics that do not exist yet (idempotent; existing ones are left as they are), and waits until they have leaders. */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  // one just made by another service starting beside this one may not have its leaders yet
  if (missing.length === 0) return waitForTopics(admin, specs.map((s) => s.topic));
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((s) => ({
      topic: s.topic,
      numPartitions: s.numPartitions,
      replicationFactor: 1,
      configEntries: s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    })),
  }).catch((err: Error & { type?: string }) => {
    // a concurrent creator (another service starting) won the race, or its topics' leaders are
    // not known yet to the broker that answered: wait for them below
    if (err.type !== 'TOPIC_ALREADY_EXISTS' && err.type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
  });
  await waitForTopics(admin, specs.map((s) => s.topic));
}

/** Waits (bounded) until the broker's metadata has the topics and their leaders. */
async function waitForTopics(admin: Admin, topics: string[], attempts = 50): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      if (attempt >= attempts) throw new Error(`topics ${topics.join(', ')} have no leader yet`);
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Creates the pipeline topics a service reads or writes (by name, with the pipeline's specs)
 * plus any extra single-partition topics of its own (a dead-letter topic), if missing.
 */
export async function ensureServiceTopics(params: {
  admin: Admin;
  topics: Topics;
  names: string[];
  extra?: string[];
  transactionPartitions?: number;
}): Promise<void> {
  const wanted = new Set(params.names);
  const specs = pipelineTopicSpecs(params.topics, params.transactionPartitions ?? 6).filter((s) => wanted.has(s.topic));
  for (const topic of params.extra ?? []) specs.push({ topic, numPartitions: 1, compacted: false });
  await params.admin.connect();
  try {
    await ensureTopics(params.admin, specs);
  } finally {
    await params.admin.disconnect();
  }
}
