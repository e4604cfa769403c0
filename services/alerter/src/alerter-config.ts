import { fetchShape } from '@tierflow/runtime/kafka/fetch-settings';
import { z } from 'zod';
import { ConfigError, envBool, envInt, envList, envNumber, parseEnv } from '@tierflow/runtime/config/config-env';
import { currencySettings, keyspaceSettings, windowSettings } from '@tierflow/runtime/config/pipeline-settings';
import { basisInfo } from '@tierflow/domain/explain/basis-label';
import type { DispatchConfig } from './alert-dispatcher';
import type { AlertRulesConfig } from '@tierflow/domain/alerts/alert-rules';
import { webhookUrlProblem } from './webhook-url';

/** The alerter's environment (connection and topic variables are parsed by shared/runtime/src). */
export const alerterShape = {
  ...keyspaceSettings,
  ...fetchShape,
  KAFKA_GROUP_ID: z.string().default('tierflow-alerter'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: envInt(9405, 0, 65535),
  /** https only; http to loopback or with WEBHOOK_ALLOW_HTTP (webhook-url.ts) */
  WEBHOOK_URL: z.string().optional(),
  WEBHOOK_ALLOW_HTTP: envBool(false),
  WEBHOOK_CONCURRENCY: envInt(4, 1, 256),
  /** the most alerts queued for delivery; when full, input pauses (nothing is dropped) */
  WEBHOOK_QUEUE_MAX: envInt(10_000, 1),
  WEBHOOK_BREAKER_FAILURES: envInt(5, 1, 1_000),
  WEBHOOK_BREAKER_COOLDOWN_MS: envInt(30_000, 1),
  WEBHOOK_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  WEBHOOK_TIMEOUT_MS: envInt(5_000, 1),
  WEBHOOK_MAX_ATTEMPTS: envInt(6, 1, 100),
  WEBHOOK_BACKOFF_MS: envInt(500, 1),
  WEBHOOK_BACKOFF_MAX_MS: envInt(30_000, 1),
  ALERT_MANAGER_TIERS: envList('A'),
  ALERT_RISK_TIERS: envList('A,B'),
  ALERT_DEFAULT_RECIPIENT: z.string().default('key-account-team'),
  ALERT_RESOLVED: envBool(true),
  ALERT_DEDUPE_TTL_DAYS: envInt(30, 1),
  /** one alert per customer, kind and this many days of event time (0: one per source event) */
  ALERT_DEDUPE_PERIOD_DAYS: envNumber(7, 0, 366),
  ...currencySettings,
  RANKING_BASIS: z.string().default('window-revenue'),
  RANKING_WINDOW_DAYS: windowSettings.RANKING_WINDOW_DAYS,
  ALERT_LEASE_MS: envInt(5_000, 500),
  ALERTER_DLQ_TOPIC: z.string().default('customer.alerter.dlq'),
};

export interface AlerterConfig {
  prefix: string;
  groupId: string;
  httpHost: string;
  httpPort: number;
  webhook: { url: string; secret: string; timeoutMs: number } | null;
  dispatch: DispatchConfig;
  queueCapacity: number;
  rules: AlertRulesConfig;
  dedupeTtlSeconds: number;
  dlqTopic: string;
}

export function alerterConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AlerterConfig {
  const c = parseEnv(alerterShape, env);
  const urlProblem = c.WEBHOOK_URL ? webhookUrlProblem(c.WEBHOOK_URL, c.WEBHOOK_ALLOW_HTTP) : null;
  if (urlProblem) throw new ConfigError([{ variable: 'WEBHOOK_URL', message: urlProblem }]);
  if (c.WEBHOOK_URL && !c.WEBHOOK_SECRET) {
    // same shape of error as parseEnv: name the variable
    parseEnv({ WEBHOOK_SECRET: z.string({ message: 'required when WEBHOOK_URL is set' }) }, env);
  }
  return {
    prefix: c.REDIS_KEY_PREFIX,
    groupId: c.KAFKA_GROUP_ID,
    httpHost: c.HTTP_HOST,
    httpPort: c.HTTP_PORT,
    webhook: c.WEBHOOK_URL && c.WEBHOOK_SECRET ? { url: c.WEBHOOK_URL, secret: c.WEBHOOK_SECRET, timeoutMs: c.WEBHOOK_TIMEOUT_MS } : null,
    dispatch: {
      maxAttempts: c.WEBHOOK_MAX_ATTEMPTS,
      backoffBaseMs: c.WEBHOOK_BACKOFF_MS,
      backoffMaxMs: c.WEBHOOK_BACKOFF_MAX_MS,
      leaseMs: c.ALERT_LEASE_MS,
      idlePollMs: 200,
      concurrency: c.WEBHOOK_CONCURRENCY,
      breakerFailures: c.WEBHOOK_BREAKER_FAILURES,
      breakerCooldownMs: c.WEBHOOK_BREAKER_COOLDOWN_MS,
    },
    queueCapacity: c.WEBHOOK_QUEUE_MAX,
    rules: {
      managerTiers: c.ALERT_MANAGER_TIERS,
      riskTiers: c.ALERT_RISK_TIERS,
      defaultRecipient: c.ALERT_DEFAULT_RECIPIENT,
      alertResolved: c.ALERT_RESOLVED,
      dedupePeriodMs: Math.round(c.ALERT_DEDUPE_PERIOD_DAYS * 86_400_000),
      currency: c.REPORTING_CURRENCY,
      basis: basisInfo(c.RANKING_BASIS, c.RANKING_WINDOW_DAYS),
    },
    // a seen key must outlive the period it de-duplicates
    dedupeTtlSeconds: Math.max(c.ALERT_DEDUPE_TTL_DAYS, Math.ceil(c.ALERT_DEDUPE_PERIOD_DAYS) + 1) * 86_400,
    dlqTopic: c.ALERTER_DLQ_TOPIC,
  };
}
