import { existsSync } from 'node:fs';
import path from 'node:path';
import { schemasDir } from '@tierflow/contracts/events/schema-files';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { Message } from 'kafkajs';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 0, 1);
export const day = (n: number) => T0 + Math.round(n * DAY);

/**
 * The TierChange schema: the ranker's schemas/TierChange.avsc when it exists, else the fields
 * churn-watch reads (eventId, customerId, scope, fromTier, toTier, direction, rank, eventTime).
 */
const fallbackTierChange = JSON.stringify({
  type: 'record',
  name: 'TierChange',
  namespace: 'dev.tierflow.test',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'scope', type: 'string' },
    { name: 'fromTier', type: 'string' },
    { name: 'toTier', type: 'string' },
    { name: 'direction', type: 'string' },
    { name: 'rank', type: ['null', 'long'], default: null },
    { name: 'eventTime', type: 'long' },
  ],
});

export async function registerInputSchemas(codec: SchemaCodec, topics: { aggregates: string; tierChanges: string }) {
  const aggregateId = await codec.registerFile(`${topics.aggregates}-value`, 'CustomerAggregate.avsc');
  const tierFile = existsSync(path.join(schemasDir, 'TierChange.avsc'));
  const tierId = tierFile
    ? await codec.registerFile(`${topics.tierChanges}-value`, 'TierChange.avsc')
    : await codec.register(`${topics.tierChanges}-value`, fallbackTierChange);
  return { aggregateId, tierId };
}

export interface AggregateSpec {
  customerId: string;
  seq: number;
  at: number;
  lastActivityAt?: number;
  txCount: number;
  current: number;
  previous: number;
  currentCount?: number;
  previousCount?: number;
}

/** A full CustomerAggregate value with a 200-day history starting at day 0. */
export function aggregateValue(s: AggregateSpec) {
  return {
    eventId: `${s.customerId}:${s.seq}`,
    customerId: s.customerId,
    seq: s.seq,
    currency: 'USD',
    eventTime: s.lastActivityAt ?? s.at,
    watermark: s.at,
    revenueMinor: 5_000_000,
    costMinor: 3_500_000,
    profitMinor: 1_500_000,
    txCount: s.txCount,
    paymentCount: 0,
    balanceMinor: 0,
    firstActivityAt: day(0),
    lastActivityAt: s.lastActivityAt ?? s.at,
    currentWindowDays: 30,
    currentRevenueMinor: s.current,
    currentProfitMinor: Math.round(s.current * 0.3),
    currentCount: s.currentCount ?? 15,
    previousRevenueMinor: s.previous,
    previousProfitMinor: Math.round(s.previous * 0.3),
    previousCount: s.previousCount ?? 15,
    rankingWindowDays: 90,
    rankingRevenueMinor: s.current + s.previous,
    rankingProfitMinor: 0,
    rankingCount: 30,
  };
}

/** A TierChange value with every field the ranker's schema may ask for. */
export function tierChangeValue(p: {
  customerId: string;
  fromTier: string;
  toTier: string;
  at: number;
  scope?: string;
  n: number;
  /** the aggregate that caused it (customerId, seq) */
  cause?: { customerId: string; seq: number };
}) {
  const up = p.toTier < p.fromTier;
  return {
    eventId: `${p.scope ?? 'global'}|${p.customerId}|test-${p.n}`,
    customerId: p.customerId,
    scope: p.scope ?? 'global',
    fromTier: p.fromTier,
    toTier: p.toTier,
    direction: up ? 'UPGRADE' : 'DOWNGRADE',
    reason: 'BASIS_CHANGE',
    rawTier: p.toTier,
    rank: 1,
    populationSize: 10,
    basisMinor: 100_000,
    cumulativeShareBefore: 0,
    totalBasisMinor: 1_000_000,
    tierMode: 'share',
    thresholdA: 0.8,
    thresholdB: 0.95,
    hysteresisMargin: 0,
    minDwellMs: 0,
    boundaryCountA: 1,
    boundaryCountB: 2,
    boundaryBasisA: 100_000,
    boundaryBasisB: 50_000,
    configVersion: 'test',
    eventTime: p.at,
    causeEventId: p.cause ? `${p.cause.customerId}:${p.cause.seq}` : `cause-${p.n}`,
    causeCustomerId: p.cause?.customerId ?? p.customerId,
  };
}

/** Encodes with the registered type, keeping only the fields the schema has. */
export function encodeMessage(codec: SchemaCodec, schemaId: number, key: string, value: Record<string, unknown>): Message {
  const type = codec.typeOf(schemaId) as unknown as { fields?: Array<{ name: string }> };
  const names = new Set((type.fields ?? []).map((f) => f.name));
  const picked = names.size > 0 ? Object.fromEntries(Object.entries(value).filter(([k]) => names.has(k))) : value;
  return { key, value: codec.encode(schemaId, picked) };
}
