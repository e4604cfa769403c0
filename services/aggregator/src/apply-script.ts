import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { metaKey, offsetField, partitionBase } from './aggregator-keys';
import type { TransactionEvent } from '@tierflow/shared/event-types';
import { applyClassified, classifyBatch, dedupeGenerations, fieldsToRead, type PartitionMeta, type PreparedEvent, type WindowParams } from './batch-plan';
import { dayNumber, monthKey, transactionEffect, transactionFingerprint } from './transaction-effect';
import { encodeWrites } from './write-commands';

const source = readFileSync(new URL('./lua/commit-batch.lua', import.meta.url), 'utf8');
const sha = createHash('sha1').update(source).digest('hex');

/** Attempts of one apply step when another writer (the live clock, a rebalance overlap) got in between. */
const MAX_ATTEMPTS = 20;

export interface WindowConfig {
  currentWindowDays: number;
  rankingWindowDays: number;
  allowedLatenessMs: number;
  dedupeGenerationDays: number;
}

export interface ApplyResult {
  applied: number;
  duplicates: number;
  late: number;
  conflicts: number;
  fenced: number;
  conflictOffsets: string[];
  /** changed customers: customerId, packed state, customerId, packed state, ... */
  rows: string[];
  maxEventTime: number;
  endDay: number;
}

export interface OffsetEvent {
  offset: string;
  event: TransactionEvent;
}

/** EVALSHA of commit-batch.lua, loading it with EVAL the first time a server has not seen it. */
async function runCommit(redis: Redis, key: string, args: string[]): Promise<number> {
  try {
    return (await redis.evalsha(sha, 1, key, ...args)) as number;
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return (await redis.eval(source, 1, key, ...args)) as number;
  }
}

export function prepareEvent(offset: string, event: TransactionEvent): PreparedEvent {
  const fx = transactionEffect(event);
  return {
    off: Number(offset), tx: event.transactionId, fp: transactionFingerprint(event), id: event.customerId, at: event.occurredAt,
    day: dayNumber(event.occurredAt), month: monthKey(event.occurredAt), rev: fx.revenueDelta, cost: fx.costDelta, bal: fx.balanceDelta,
    kind: fx.kindCode,
  };
}

type PipelineResult = [Error | null, unknown][];
function results<T>(res: PipelineResult | null): T[] {
  return (res ?? []).map(([err, value]) => {
    if (err) throw err;
    return value as T;
  });
}

/**
 * Applies events of one partition: reads what the step needs (meta, de-dup entries, activity
 * sets, customers' fields), computes in Node (batch-plan.ts), and writes everything plus the
 * offset in one atomic script call that succeeds only if the partition's version is unchanged
 * (else it reads again). `lastOffset` is recorded as applied even when every event was a
 * duplicate or invalid (those were handled before this call), so a batch is never re-examined.
 */
export async function applyBatch(params: {
  redis: Redis;
  prefix: string;
  topic: string;
  partition: number;
  lastOffset: string;
  events: OffsetEvent[];
  windows: WindowConfig;
  clockMs: number;
}): Promise<ApplyResult> {
  const { redis, windows: wc } = params;
  const base = partitionBase(params.prefix, params.partition);
  const meta = metaKey(params.prefix, params.partition);
  const field = offsetField(params.topic, params.partition);
  const w: WindowParams = {
    currentDays: wc.currentWindowDays, rankingDays: wc.rankingWindowDays, latenessMs: wc.allowedLatenessMs,
    genDays: wc.dedupeGenerationDays, clockMs: params.clockMs,
  };
  const prepared = params.events.map((e) => prepareEvent(e.offset, e.event));
  for (let attempt = 1; ; attempt++) {
    const raw = await redis.hmget(meta, field, 'maxEventTime', 'endDay', 'txGen', 'txLow', 'ver');
    const num = (i: number) => Number(raw[i] ?? '-1');
    const m: PartitionMeta = { applied: num(0), maxEvent: num(1), endDay: num(2), txGen: num(3), txLow: num(4) };
    const version = raw[5] ?? '0';

    const { live, lookup } = dedupeGenerations(m, prepared, w.genDays);
    const known = new Map<string, string>();
    if (live.length > 0) {
      const txids = live.map((e) => e.tx);
      const pipe = redis.pipeline();
      for (const g of lookup) pipe.hmget(`${base}tx:${g}`, ...txids);
      pipe.hmget(`${base}tx:late`, ...txids);
      for (const fps of results<(string | null)[]>(await pipe.exec())) {
        fps.forEach((fp, j) => {
          if (fp !== null) known.set(txids[j]!, fp);
        });
      }
    }
    const c = classifyBatch(m, prepared, known, w);

    const members = new Map<number, string[]>();
    const days = [...new Set([...c.shiftDays, ...c.dropDays])];
    if (days.length > 0) {
      const pipe = redis.pipeline();
      for (const d of days) pipe.smembers(`${base}x:${d}`);
      results<string[]>(await pipe.exec()).forEach((ids, j) => members.set(days[j]!, ids));
    }

    const need = fieldsToRead(c, members);
    const stored = new Map<string, Map<string, string | null>>();
    if (need.size > 0) {
      const ids = [...need.keys()];
      const pipe = redis.pipeline();
      for (const id of ids) pipe.hmget(`${base}c:${id}`, ...need.get(id)!);
      results<(string | null)[]>(await pipe.exec()).forEach((vals, j) => {
        const id = ids[j]!;
        const fields = [...need.get(id)!];
        stored.set(id, new Map(fields.map((f, k) => [f, vals[k] ?? null])));
      });
    }

    const out = applyClassified(m, c, stored, members, w, { field, last: Number(params.lastOffset) });
    const committed = await runCommit(redis, meta, [base, version, ...encodeWrites(out.writes)]);
    if (committed >= 0) {
      return {
        applied: out.applied, duplicates: out.duplicates, late: out.late, conflicts: out.conflicts, fenced: c.fenced,
        conflictOffsets: out.conflictOffsets.map(String), rows: out.rows, maxEventTime: c.maxEvent, endDay: c.newEnd,
      };
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw Object.assign(new Error(`partition ${params.partition} kept changing under the apply step (${attempt} attempts)`), { retriable: true });
    }
  }
}

/** The last offset of topic-partition recorded as applied, or null. */
export async function readAppliedOffset(redis: Redis, prefix: string, topic: string, partition: number): Promise<bigint | null> {
  const v = await redis.hget(metaKey(prefix, partition), offsetField(topic, partition));
  return v === null ? null : BigInt(v);
}
