import type { Kafka } from 'kafkajs';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { DashboardStore } from '@tierflow/views/dashboard-store';
import type { PortfolioReader } from '@tierflow/views/portfolio/portfolio-reader';
import type { Scope } from '@tierflow/contracts/scopes/scope';
import { scopeName } from '@tierflow/contracts/scopes/scope';
import type { ReviewAccount, ReviewChurnRisk, ReviewData, ReviewTierChange } from './review-data';
import { readTopicSince } from './topic-reader';

/** The review's period: event time [start, end); `recordSince` limits the topic read by record time. */
export interface ReviewPeriod {
  start: number;
  end: number;
  /** read records written since (Kafka record time); 0 reads the whole topic */
  recordSince: number;
}

/** "YYYY-MM" -> that UTC month as a period of event time (the whole topic is read). */
export function monthPeriod(month: string): ReviewPeriod | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { start: Date.UTC(y, mo - 1, 1), end: Date.UTC(y, mo, 1), recordSince: 0 };
}

/**
 * Everything a review is made from: the topics' tier changes and churn risks in the period, and
 * the customers as their cards show them now (the dashboard's read model: names, account
 * managers, tiers and churn state come from the same Redis state as the cards).
 */
export async function loadReviewData(p: {
  kafka: Kafka;
  codec: SchemaCodec;
  topics: { tierChanges: string; churnRisk: string };
  store: DashboardStore;
  portfolio: PortfolioReader;
  scope: Scope;
  period: ReviewPeriod;
  now: number;
}): Promise<ReviewData> {
  const name = scopeName(p.scope);
  const inPeriod = (t: number) => t >= p.period.start && t < p.period.end;
  const [summary, top, tierChanges, churn, snapshot, basis] = await Promise.all([
    p.store.summary(p.scope),
    p.store.top(p.scope, 50),
    readTopicSince<ReviewTierChange>({ kafka: p.kafka, codec: p.codec, topic: p.topics.tierChanges, sinceMs: p.period.recordSince }),
    readTopicSince<ReviewChurnRisk & { explanation?: Array<{ signal: string; summary: string }> }>({ kafka: p.kafka, codec: p.codec, topic: p.topics.churnRisk, sinceMs: p.period.recordSince }),
    p.portfolio.snapshot(name),
    p.store.basis(),
  ]);
  const accounts: Record<string, ReviewAccount> = {};
  for (const e of snapshot.entries) {
    accounts[e.customerId] = {
      customerId: e.customerId, name: e.name, accountManager: e.accountManager, tier: e.tier, churnScore: e.churnScore,
      risks: e.risks.map((r) => ({ signal: r.signal, severity: r.severity, sentence: r.sentence })), strategy: e.standing.strategy,
    };
  }
  return {
    scope: name,
    generatedAt: p.now,
    periodStart: p.period.start,
    periodEnd: p.period.end,
    summary,
    top,
    tierChanges: tierChanges.filter((c) => inPeriod(Number(c.eventTime))).map((c) => ({ ...c, eventTime: Number(c.eventTime) })),
    churnRisks: churn.filter((r) => inPeriod(Number(r.eventTime))).map((r) => ({ ...r, eventTime: Number(r.eventTime), summary: r.explanation?.find((e) => e.signal === r.signal)?.summary ?? null })),
    accounts,
    currency: p.store.currency,
    basis,
  };
}
