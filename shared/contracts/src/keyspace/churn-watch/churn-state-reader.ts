import type { Redis } from 'ioredis';
import { churnKeys } from './churn-keys';
import { SIGNALS, type Attractiveness, type ChurnRiskEvent, type ChurnSignal, type Relationship, type Severity } from '../../events/event-types';
import type { CustomerChurnState } from './churn-state';
import { decodeChurnState } from './churn-state-codec';
import type { Tier } from '../../tier';

/**
 * Readers of churn-watch's state hash and recent-risk list (churn-keys.ts, churn-state.ts, the
 * stored form in churn-state-codec.ts).
 * Written only by services/churn-watch (churn-store.ts and its scripts); read by
 * shared/views (the card, the lists, the portfolio) and the tests. Read-only.
 */

export interface ChurnStateView {
  customerId: string;
  tier: Tier;
  score: number;
  activeSignals: Array<{ signal: ChurnSignal; severity: Severity; strength: number; notified: boolean }>;
  attractiveness: Attractiveness;
  relationship: Relationship;
  strategy: string;
  nextCheckAt: number | null;
  updatedAt: number;
}

/** For the dashboard: one customer's churn state as churn-watch keeps it; null if never seen. */
export async function readChurnState(redis: Redis, prefix: string, customerId: string): Promise<ChurnStateView | null> {
  const raw = await redis.hget(churnKeys(prefix).state, customerId);
  if (!raw) return null;
  const s = decodeChurnState(customerId, raw);
  return {
    customerId: s.customerId,
    tier: s.tier,
    score: s.score,
    activeSignals: SIGNALS.flatMap((signal) => {
      const st = s.signals[signal];
      return st?.active ? [{ signal, severity: st.severity, strength: st.strength, notified: st.notified }] : [];
    }),
    attractiveness: s.attractiveness,
    relationship: s.relationship,
    strategy: s.strategy,
    nextCheckAt: s.timerDueAt,
    updatedAt: s.updatedAt,
  };
}

/**
 * For the dashboard's lists and the card's explanations: the stored churn state of many
 * customers as churn-watch keeps it (with the aggregate figures its measures read), in one
 * HMGET; customers never seen are absent.
 */
export async function readChurnRecords(redis: Redis, prefix: string, customerIds: readonly string[]): Promise<Map<string, CustomerChurnState>> {
  const out = new Map<string, CustomerChurnState>();
  if (customerIds.length === 0) return out;
  const rows = await redis.hmget(churnKeys(prefix).state, ...customerIds);
  customerIds.forEach((id, i) => {
    const raw = rows[i];
    if (raw) out.set(id, decodeChurnState(id, raw));
  });
  return out;
}

/** For the dashboard: the n most recent ChurnRisk events, newest first. */
export async function readRecentChurnRisks(redis: Redis, prefix: string, n: number): Promise<ChurnRiskEvent[]> {
  if (n <= 0) return [];
  const rows = await redis.lrange(churnKeys(prefix).recent, 0, n - 1);
  return rows.map((r) => JSON.parse(r) as ChurnRiskEvent);
}
