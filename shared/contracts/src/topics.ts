import { z } from 'zod';
import { parseEnv } from '@tierflow/runtime/config/config-env';

/** Topic names (configurable) and the schema file behind each topic's values. */
export const topicShape = {
  TOPIC_TRANSACTIONS: z.string().default('billing.transactions'),
  TOPIC_TRANSACTIONS_DLQ: z.string().default('billing.transactions.dlq'),
  /** the aggregator's internal repartition topic (default: the transactions topic + `.by-customer`) */
  TOPIC_TRANSACTIONS_BY_CUSTOMER: z.string().optional(),
  TOPIC_PROFILES: z.string().default('customer.profiles'),
  /** profiles that fail validation (default: the profiles topic + `.dlq`) */
  TOPIC_PROFILES_DLQ: z.string().optional(),
  TOPIC_AGGREGATES: z.string().default('customer.aggregates'),
  TOPIC_TIER_CHANGES: z.string().default('customer.tier-changes'),
  TOPIC_CHURN_RISK: z.string().default('customer.churn-risk'),
};

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

export function topicsFromEnv(env: NodeJS.ProcessEnv = process.env): Topics {
  const t = parseEnv(topicShape, env);
  return {
    transactions: t.TOPIC_TRANSACTIONS,
    transactionsDlq: t.TOPIC_TRANSACTIONS_DLQ,
    transactionsByCustomer: t.TOPIC_TRANSACTIONS_BY_CUSTOMER ?? byCustomer(t.TOPIC_TRANSACTIONS),
    profiles: t.TOPIC_PROFILES,
    profilesDlq: t.TOPIC_PROFILES_DLQ ?? `${t.TOPIC_PROFILES}.dlq`,
    aggregates: t.TOPIC_AGGREGATES,
    tierChanges: t.TOPIC_TIER_CHANGES,
    churnRisk: t.TOPIC_CHURN_RISK,
  };
}

/** Topic names with a common suffix, so each test gets its own set. */
export function topicsWithSuffix(suffix: string): Topics {
  const base = topicsFromEnv({});
  const out = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, `${v}.${suffix}`])) as unknown as Topics;
  // the name a service derives from TOPIC_TRANSACTIONS alone
  return { ...out, transactionsByCustomer: byCustomer(out.transactions), profilesDlq: `${out.profiles}.dlq` };
}

const byCustomer = (transactions: string) => `${transactions}.by-customer`;

/** Confluent TopicNameStrategy: the value subject of a topic. */
export const valueSubject = (topic: string) => `${topic}-value`;
