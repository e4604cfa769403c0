/**
 * The default topic names (each configurable: TOPIC_* in shared/runtime/src/config/
 * topic-settings.ts). The by-customer and profiles dead-letter topics default to names derived
 * from the transactions and profiles topics (byCustomerTopic, profilesDlqTopic).
 */
export const DEFAULT_TOPIC_NAMES = {
  transactions: 'billing.transactions',
  transactionsDlq: 'billing.transactions.dlq',
  profiles: 'customer.profiles',
  aggregates: 'customer.aggregates',
  tierChanges: 'customer.tier-changes',
  churnRisk: 'customer.churn-risk',
} as const;

/** The aggregator's internal repartition topic of a transactions topic. */
export const byCustomerTopic = (transactions: string) => `${transactions}.by-customer`;

/** The dead-letter topic of a profiles topic. */
export const profilesDlqTopic = (profiles: string) => `${profiles}.dlq`;

export interface Topics {
  transactions: string;
  transactionsDlq: string;
  /**
   * billing.transactions re-keyed by customerId into a fixed number of shards (the aggregator's
   * repartition stage writes it, its apply stage reads it): a customer's state never depends
   * on the partition its records arrived on in billing.transactions.
   */
  transactionsByCustomer: string;
  profiles: string;
  /** bad profiles (shared/contracts/src/validation/profile.ts), with the reason in headers */
  profilesDlq: string;
  aggregates: string;
  tierChanges: string;
  churnRisk: string;
}

/** The topics with their default names. */
export function defaultTopics(): Topics {
  const t = DEFAULT_TOPIC_NAMES;
  return { ...t, transactionsByCustomer: byCustomerTopic(t.transactions), profilesDlq: profilesDlqTopic(t.profiles) };
}

/** Topic names with a common suffix, so each test gets its own set. */
export function topicsWithSuffix(suffix: string): Topics {
  const base = defaultTopics();
  const out = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, `${v}.${suffix}`])) as unknown as Topics;
  // the name a service derives from TOPIC_TRANSACTIONS alone
  return { ...out, transactionsByCustomer: byCustomerTopic(out.transactions), profilesDlq: profilesDlqTopic(out.profiles) };
}

/** Confluent TopicNameStrategy: the value subject of a topic. */
export const valueSubject = (topic: string) => `${topic}-value`;
