import { z } from 'zod';
import { DEFAULT_TOPIC_NAMES as d, byCustomerTopic, profilesDlqTopic, type Topics } from '@tierflow/contracts/topics';
import { parseEnv } from './config-env';

/** Topic names (configurable; the defaults and the Topics shape are the contract's: shared/contracts/src/topics.ts). */
export const topicShape = {
  TOPIC_TRANSACTIONS: z.string().default(d.transactions),
  TOPIC_TRANSACTIONS_DLQ: z.string().default(d.transactionsDlq),
  /** the aggregator's internal repartition topic (default: the transactions topic + `.by-customer`) */
  TOPIC_TRANSACTIONS_BY_CUSTOMER: z.string().optional(),
  TOPIC_PROFILES: z.string().default(d.profiles),
  /** profiles that fail validation (default: the profiles topic + `.dlq`) */
  TOPIC_PROFILES_DLQ: z.string().optional(),
  TOPIC_AGGREGATES: z.string().default(d.aggregates),
  TOPIC_TIER_CHANGES: z.string().default(d.tierChanges),
  TOPIC_CHURN_RISK: z.string().default(d.churnRisk),
};

/** The topics of this environment. */
export function topicsFromEnv(env: NodeJS.ProcessEnv = process.env): Topics {
  const t = parseEnv(topicShape, env);
  return {
    transactions: t.TOPIC_TRANSACTIONS,
    transactionsDlq: t.TOPIC_TRANSACTIONS_DLQ,
    transactionsByCustomer: t.TOPIC_TRANSACTIONS_BY_CUSTOMER ?? byCustomerTopic(t.TOPIC_TRANSACTIONS),
    profiles: t.TOPIC_PROFILES,
    profilesDlq: t.TOPIC_PROFILES_DLQ ?? profilesDlqTopic(t.TOPIC_PROFILES),
    aggregates: t.TOPIC_AGGREGATES,
    tierChanges: t.TOPIC_TIER_CHANGES,
    churnRisk: t.TOPIC_CHURN_RISK,
  };
}
