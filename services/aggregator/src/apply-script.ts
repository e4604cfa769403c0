import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { metaKey, offsetField, partitionBase } from './aggregator-keys';
import type { TransactionEvent } from '@tierflow/shared/event-types';
import { dayNumber, monthKey, transactionEffect, transactionFingerprint } from './transaction-effect';

const source = readFileSync(new URL('./lua/apply-batch.lua', import.meta.url), 'utf8');

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

const sha = createHash('sha1').update(source).digest('hex');

/** EVALSHA of apply-batch.lua, loading it with EVAL the first time a server has not seen it. */
async function runScript(redis: Redis, key: string, args: (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(sha, 1, key, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(source, 1, key, ...args);
  }
}

/**
 * Applies events of one partition in one atomic script call. `lastOffset` is recorded as
 * applied (fencing) even when every event was a duplicate or invalid (those were handled
 * before this call), so a batch is never re-examined.
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
  const { windows: w } = params;
  const args: (string | number)[] = [
    partitionBase(params.prefix, params.partition),
    offsetField(params.topic, params.partition),
    params.lastOffset,
    params.clockMs,
    w.currentWindowDays,
    w.rankingWindowDays,
    w.allowedLatenessMs,
    w.dedupeGenerationDays,
    params.events.length,
  ];
  for (const { offset, event } of params.events) {
    const fx = transactionEffect(event);
    args.push(
      offset, event.transactionId, transactionFingerprint(event), event.customerId, event.occurredAt,
      dayNumber(event.occurredAt), monthKey(event.occurredAt), fx.revenueDelta, fx.costDelta, fx.balanceDelta, fx.kindCode,
    );
  }
  const [stats, conflicts, rows, clock] = (await runScript(params.redis, metaKey(params.prefix, params.partition), args)) as [
    number[], string[], string[], string[],
  ];
  return {
    applied: stats[0]!, duplicates: stats[1]!, late: stats[2]!, conflicts: stats[3]!, fenced: stats[4]!,
    conflictOffsets: conflicts, rows, maxEventTime: Number(clock[0]), endDay: Number(clock[1]),
  };
}

/** The last offset of topic-partition recorded as applied, or null. */
export async function readAppliedOffset(redis: Redis, prefix: string, topic: string, partition: number): Promise<bigint | null> {
  const v = await redis.hget(metaKey(prefix, partition), offsetField(topic, partition));
  return v === null ? null : BigInt(v);
}
