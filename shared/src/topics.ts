import { z } from 'zod';
import { parseEnv } from './config-env';

/** Topic names (configurable) and the schema file behind each topic's values. */
export const topicShape = {
  TOPIC_TRANSACTIONS: z.string().default('billing.transactions'),
  TOPIC_TRANSACTIONS_DLQ: z.string().default('billing.transactions.dlq'),
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
  profiles: string;
  /** bad profiles (shared/src/validation/profile.ts), with the reason in headers */
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
  // the name a service derives from TOPIC_PROFILES alone
  return { ...out, profilesDlq: `${out.profiles}.dlq` };
}

/** Confluent TopicNameStrategy: the value subject of a topic. */
export const valueSubject = (topic: string) => `${topic}-value`;
