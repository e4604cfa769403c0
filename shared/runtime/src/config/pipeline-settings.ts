import { z } from 'zod';
import { envInt, parseEnv } from './config-env';

/**
 * The pipeline-wide settings: variables more than one part of tierflow reads. Each is declared
 * here once (its validation, its default, its doc line); a service's config shape spreads the
 * pieces it needs into its own shape (`{ ...keyspaceSettings, ... }`), and the dashboard, the
 * views and the CLI read them with pipelineSettings().
 */

/** Where every service's Redis keys live. */
export const keyspaceSettings = {
  /** the prefix of every Redis key of one deployment (a new prefix is a fresh store) */
  REDIS_KEY_PREFIX: z.string().min(1).default('tf:'),
};

/** The customer shards. */
export const shardSettings = {
  /** customer shards: partitions of the by-customer topic (fixed once state exists) */
  TRANSACTIONS_PARTITIONS: envInt(6, 1, 1024),
};

/** The aggregator's windows, which the readers name in their sentences. */
export const windowSettings = {
  /** the current window: the latest this many days of event time */
  CURRENT_WINDOW_DAYS: envInt(30, 1, 3650),
  /** the ranking window: the latest this many days of event time */
  RANKING_WINDOW_DAYS: envInt(90, 1, 3650),
};

/** The currency every amount is reported in. */
export const currencySettings = {
  /** transactions in another currency are refused (dead-lettered as CURRENCY_NOT_REPORTING) */
  REPORTING_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD').default('USD'),
};

export const pipelineSettingsShape = { ...keyspaceSettings, ...shardSettings, ...windowSettings, ...currencySettings };

export interface PipelineSettings {
  /** REDIS_KEY_PREFIX */
  keyPrefix: string;
  transactionsPartitions: number;
  /** the deployment's currency and windows, as the readers need them */
  aggregateContext: { currency: string; currentWindowDays: number; rankingWindowDays: number };
}

/** The pipeline-wide settings of this environment (for readers: the dashboard, the CLI). */
export function pipelineSettings(env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  const c = parseEnv(pipelineSettingsShape, env);
  return {
    keyPrefix: c.REDIS_KEY_PREFIX,
    transactionsPartitions: c.TRANSACTIONS_PARTITIONS,
    aggregateContext: { currency: c.REPORTING_CURRENCY, currentWindowDays: c.CURRENT_WINDOW_DAYS, rankingWindowDays: c.RANKING_WINDOW_DAYS },
  };
}
