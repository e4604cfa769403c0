import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemasDir } from '../../../shared/contracts/src/events/schema-files';
import {
  SIGNALS,
  type Attractiveness,
  type ChurnRiskEvent,
  type ChurnSignal,
  type ChurnStatus,
  type CustomerAggregate,
  type CustomerProfile,
  type Relationship,
  type Severity,
  type SignalMeasure,
  type TierChange,
  type TierChangeReason,
  type TierMode,
  type TransactionEvent,
  type TransactionKind,
} from '../../../shared/contracts/src/events/event-types';
import { TIERS, type Tier } from '../../../shared/contracts/src/tier';

/**
 * Every TypeScript event type in shared/contracts against its .avsc file. The key lists below
 * are typed `satisfies Record<keyof T, true>`, so the compiler keeps each list equal to its
 * type's fields (a field missing from the list, or one the type lacks, is a type error; so for
 * the nullable fields and the enums' symbols); this test then holds each list equal to the
 * schema, so a field added to an .avsc file but not to its type fails here, and so does a type
 * field the schema lacks.
 */

/** The keys of T whose type admits null. */
type NullableKeys<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T];
const record = <T>(file: string, name: string, keys: Record<keyof T, true>, nullable: Record<NullableKeys<T>, true>) => ({
  file,
  record: name,
  keys: keys as Record<string, true>,
  nullable: nullable as Record<string, true>,
});
const enumOf = <U extends string>(file: string, name: string, symbols: Record<U, true>) => ({ file, enum: name, symbols: symbols as Record<string, true> });

const RECORDS = [
  record<TransactionEvent>(
    'TransactionEvent.avsc',
    'TransactionEvent',
    { transactionId: true, customerId: true, occurredAt: true, kind: true, amountMinor: true, costMinor: true, currency: true, product: true } satisfies Record<keyof TransactionEvent, true>,
    { product: true } satisfies Record<NullableKeys<TransactionEvent>, true>,
  ),
  record<CustomerProfile>(
    'CustomerProfile.avsc',
    'CustomerProfile',
    {
      customerId: true, name: true, address: true, phone: true, legalRepresentative: true, industry: true, region: true,
      accountManager: true, creditLimitMinor: true, creditTermDays: true, satisfactionScore: true, updatedAt: true,
    } satisfies Record<keyof CustomerProfile, true>,
    {
      name: true, address: true, phone: true, legalRepresentative: true, industry: true, region: true, accountManager: true,
      creditLimitMinor: true, creditTermDays: true, satisfactionScore: true,
    } satisfies Record<NullableKeys<CustomerProfile>, true>,
  ),
  record<CustomerAggregate>(
    'CustomerAggregate.avsc',
    'CustomerAggregate',
    {
      eventId: true, customerId: true, seq: true, currency: true, eventTime: true, watermark: true, revenueMinor: true,
      costMinor: true, profitMinor: true, txCount: true, paymentCount: true, balanceMinor: true, firstActivityAt: true,
      lastActivityAt: true, currentWindowDays: true, currentRevenueMinor: true, currentProfitMinor: true, currentCount: true,
      previousRevenueMinor: true, previousProfitMinor: true, previousCount: true, rankingWindowDays: true,
      rankingRevenueMinor: true, rankingProfitMinor: true, rankingCount: true,
    } satisfies Record<keyof CustomerAggregate, true>,
    {} satisfies Record<NullableKeys<CustomerAggregate>, true>,
  ),
  record<TierChange>(
    'TierChange.avsc',
    'TierChange',
    {
      eventId: true, customerId: true, scope: true, fromTier: true, toTier: true, direction: true, reason: true, rawTier: true,
      rank: true, populationSize: true, basisMinor: true, cumulativeShareBefore: true, totalBasisMinor: true, tierMode: true,
      thresholdA: true, thresholdB: true, hysteresisMargin: true, minDwellMs: true, boundaryCountA: true, boundaryCountB: true,
      boundaryBasisA: true, boundaryBasisB: true, configVersion: true, eventTime: true, causeEventId: true, causeCustomerId: true,
      causeOffset: true,
    } satisfies Record<keyof TierChange, true>,
    { rank: true, cumulativeShareBefore: true, boundaryBasisA: true, boundaryBasisB: true, causeOffset: true } satisfies Record<NullableKeys<TierChange>, true>,
  ),
  record<ChurnRiskEvent>(
    'ChurnRisk.avsc',
    'ChurnRisk',
    {
      eventId: true, customerId: true, signal: true, status: true, severity: true, score: true, tier: true, trigger: true,
      eventTime: true, watermark: true, explanation: true, attractiveness: true, relationship: true, strategy: true,
    } satisfies Record<keyof ChurnRiskEvent, true>,
    {} satisfies Record<NullableKeys<ChurnRiskEvent>, true>,
  ),
  record<SignalMeasure>(
    'ChurnRisk.avsc',
    'SignalFigures',
    { signal: true, active: true, strength: true, summary: true, figures: true } satisfies Record<keyof SignalMeasure, true>,
    {} satisfies Record<NullableKeys<SignalMeasure>, true>,
  ),
];

const ENUMS = [
  enumOf<TransactionKind>('TransactionEvent.avsc', 'TransactionKind', { CHARGE: true, REFUND: true, ADJUSTMENT: true, PAYMENT: true }),
  enumOf<Tier>('TierChange.avsc', 'Tier', { A: true, B: true, C: true }),
  enumOf<TierChange['direction']>('TierChange.avsc', 'TierDirection', { UPGRADE: true, DOWNGRADE: true }),
  enumOf<TierChangeReason>('TierChange.avsc', 'TierChangeReason', {
    BASIS_CHANGE: true, BOUNDARY_SHIFT: true, SCOPE_JOIN: true, SCOPE_LEAVE: true, DWELL_ELAPSED: true,
  }),
  enumOf<TierMode>('TierChange.avsc', 'TierMode', { share: true, count: true }),
  enumOf<ChurnSignal>('ChurnRisk.avsc', 'ChurnSignal', { REVENUE_DECLINE: true, INACTIVITY: true, FREQUENCY_DROP: true, TIER_DOWNGRADE: true }),
  enumOf<ChurnStatus>('ChurnRisk.avsc', 'ChurnStatus', { RAISED: true, RESOLVED: true }),
  enumOf<Severity>('ChurnRisk.avsc', 'ChurnSeverity', { LOW: true, MEDIUM: true, HIGH: true }),
  enumOf<Attractiveness>('ChurnRisk.avsc', 'Attractiveness', { HIGH: true, MEDIUM: true, LOW: true }),
  enumOf<Relationship>('ChurnRisk.avsc', 'Relationship', { GOOD: true, AVERAGE: true, POOR: true }),
];

interface AvroField {
  name: string;
  type: unknown;
}

/** Every named record and enum of a schema, by name: a record's field names (and which are nullable), an enum's symbols. */
function namedTypes(schema: unknown) {
  const records = new Map<string, { fields: string[]; nullable: string[] }>();
  const enums = new Map<string, string[]>();
  const walk = (t: unknown): void => {
    if (Array.isArray(t)) return t.forEach(walk);
    if (t === null || typeof t !== 'object') return;
    const o = t as { type?: unknown; name?: string; fields?: AvroField[]; symbols?: string[]; items?: unknown; values?: unknown };
    if (o.type === 'record' && o.name && o.fields) {
      records.set(o.name, {
        fields: o.fields.map((f) => f.name),
        nullable: o.fields.filter((f) => Array.isArray(f.type) && f.type.includes('null')).map((f) => f.name),
      });
      o.fields.forEach((f) => walk(f.type));
    } else if (o.type === 'enum' && o.name && o.symbols) {
      enums.set(o.name, o.symbols);
    } else if (o.type === 'array') walk(o.items);
    else if (o.type === 'map') walk(o.values);
    else if (typeof o.type === 'object') walk(o.type);
  };
  walk(schema);
  return { records, enums };
}

const SCHEMA_FILES = ['TransactionEvent.avsc', 'CustomerProfile.avsc', 'CustomerAggregate.avsc', 'TierChange.avsc', 'ChurnRisk.avsc'];
const schemas = new Map(SCHEMA_FILES.map((f) => [f, namedTypes(JSON.parse(readFileSync(path.join(schemasDir, f), 'utf8')))]));
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('event types match their .avsc schemas', () => {
  it('covers every schema in schemas/', () => {
    const onDisk = readdirSync(schemasDir).filter((f) => f.endsWith('.avsc'));
    expect(sorted(onDisk)).toEqual(sorted(SCHEMA_FILES));
    expect(new Set(RECORDS.map((r) => r.file))).toEqual(new Set(SCHEMA_FILES));
  });

  for (const r of RECORDS) {
    it(`${r.file} ${r.record}: the TS type has exactly the schema's fields, nullable where the schema allows null`, () => {
      const rec = schemas.get(r.file)?.records.get(r.record);
      expect(rec, `${r.record} in ${r.file}`).toBeDefined();
      expect(sorted(Object.keys(r.keys))).toEqual(sorted(rec?.fields ?? []));
      expect(sorted(Object.keys(r.nullable))).toEqual(sorted(rec?.nullable ?? []));
    });
  }

  for (const e of ENUMS) {
    it(`${e.file} ${e.enum}: the TS union has exactly the schema's symbols`, () => {
      const symbols = schemas.get(e.file)?.enums.get(e.enum);
      expect(symbols, `${e.enum} in ${e.file}`).toBeDefined();
      expect(sorted(Object.keys(e.symbols))).toEqual(sorted(symbols ?? []));
    });
  }

  it('every enum of every schema is checked', () => {
    const checked = new Set(ENUMS.map((e) => `${e.file}:${e.enum}`));
    const all = [...schemas].flatMap(([file, s]) => [...s.enums.keys()].map((name) => `${file}:${name}`));
    expect(sorted(all)).toEqual(sorted(checked));
  });

  it('the ordered lists in contracts follow the schemas: TIERS and SIGNALS', () => {
    expect([...TIERS]).toEqual(schemas.get('TierChange.avsc')?.enums.get('Tier'));
    expect([...SIGNALS]).toEqual(schemas.get('ChurnRisk.avsc')?.enums.get('ChurnSignal'));
  });
});
