import type { Redis } from 'ioredis';
import { TransientError } from '@tierflow/contracts/errors/tierflow-error';
import { FencedCommit } from '@tierflow/runtime/exactly-once/fenced-commit';
import { metaKey, offsetField, partitionBase } from '@tierflow/contracts/keyspace/aggregator/aggregator-keys';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { parseTally } from '@tierflow/contracts/keyspace/aggregator/aggregate-state';
import { applyClassified, classifyBatch, dedupeGenerations, fieldsToRead, loadedFrom, type Loaded, type PartitionMeta, type PreparedEvent, type WindowParams, type WindowSettings } from '@tierflow/domain/windows/batch-plan';
import { PartitionCache } from './partition-cache';
import { prepareEvent } from '@tierflow/domain/windows/prepare-event';
import { fenceBySource, sourceField, sourcesFromMeta, type SourcePosition } from './repartition/source-fence';

/** Attempts of one apply step when another writer (the live clock, a rebalance overlap) got in between. */
const MAX_ATTEMPTS = 20;


export interface ApplyResult {
  applied: number;
  duplicates: number;
  /** copies of records already applied, resent by the repartition stage (fenced by source offset) */
  sourceCopies: number;
  /** events older than the de-dup horizon that were not known (applied as late events) */
  beyondHorizon: number;
  late: number;
  conflicts: number;
  fenced: number;
  conflictOffsets: string[];
  maxEventTime: number;
  endDay: number;
}

export interface OffsetEvent {
  offset: string;
  event: TransactionEvent;
  /** where the repartition stage read it */
  source?: SourcePosition;
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
 * sets, customers' fields) unless the partition cache already holds it, computes in Node
 * (batch-plan.ts), and writes everything plus the offset in one fenced commit (exactly-once/fenced-commit) that
 * succeeds only if the partition's version token is unchanged (else it reads afresh and tries
 * again). `lastOffset` is recorded as applied even when every event was a duplicate or invalid
 * (those were handled before this call), so a batch is never re-examined. The changed
 * customers' committed states go into the cache's record cache (`unsent`), which the emitter sends.
 */
export function applyBatch(params: {
  redis: Redis;
  prefix: string;
  topic: string;
  partition: number;
  lastOffset: string;
  events: OffsetEvent[];
  windows: WindowSettings;
  clockMs: number;
  /** the process's cache of this partition (none: read everything, keep nothing) */
  cache?: PartitionCache;
  /**
   * Called right BEFORE the commit (so a crash cannot record a record as applied without its
   * having been dead-lettered), with the offsets of events whose transactionId is known with
   * other content (maybe none); called again when a refused commit is retried.
   */
  beforeCommit?: (conflictOffsets: string[]) => Promise<void>;
}): Promise<ApplyResult> {
  const cache = params.cache ?? new PartitionCache(0);
  return cache.serial(async () => {
    try {
      return await applyWithCache(params, cache);
    } catch (err) {
      cache.clear();
      throw err;
    }
  });
}

let tokens = 0;
const tokenBase = `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
const nextToken = () => `${tokenBase}.${++tokens}`;

async function applyWithCache(params: Parameters<typeof applyBatch>[0], cache: PartitionCache): Promise<ApplyResult> {
  const { redis, windows: wc } = params;
  const base = partitionBase(params.prefix, params.partition);
  const meta = metaKey(params.prefix, params.partition);
  const field = offsetField(params.topic, params.partition);
  const w: WindowParams = { ...wc, clockMs: params.clockMs };
  for (let attempt = 1; ; attempt++) {
    // meta and de-dup entries: one round trip when the cache is current, two otherwise
    // the cached meta holds the last step's applied offset: this step's input may be another
    let m: PartitionMeta | null = null;
    let token = cache.token;
    let offsets: ReadonlyMap<string, number> = cache.offsets;
    const cachedApplied = cache.appliedOf(field);
    if (cache.meta !== null && cachedApplied !== undefined) m = { ...cache.meta, applied: cachedApplied };
    else if (cache.meta !== null) cache.clear(); // an input the shard never recorded yet: read afresh, once
    let known: Map<string, string> | null = null;
    // copies resent by the repartition stage are skipped before anything else looks at them
    const fenced = (meta: PartitionMeta) => {
      const fence = fenceBySource(params.events, meta.sources ?? new Map());
      return { fence, prepared: fence.fresh.map((e) => prepareEvent(e.offset, e.event)) };
    };
    let step: ReturnType<typeof fenced> | null = null;
    if (m !== null && token !== null) {
      step = fenced(m);
      const got = await readKnown(redis, base, m, step.prepared, w.genDays, w.horizonDays, meta, cache);
      if (got.token === token) known = got.known;
      else {
        cache.clear();
        m = null;
      }
    }
    if (m === null || token === null || known === null) {
      // the meta hash is small: the fields of this step, the token and the source watermarks
      const raw = await redis.hgetall(meta);
      const num = (f: string) => Number(raw[f] ?? '-1');
      m = { applied: num(field), maxEvent: num('maxEventTime'), endDay: num('endDay'), txGen: num('txGen'), txLow: num('txLow'), sources: sourcesFromMeta(raw) };
      offsets = appliedOffsetsFromMeta(raw);
      token = raw.ver ?? '';
      step = fenced(m);
      known = (await readKnown(redis, base, m, step.prepared, w.genDays, w.horizonDays, null, cache)).known;
    }
    const { fence, prepared } = step!;
    const c = classifyBatch(m, prepared, known, w);

    // the members of the days crossing a window edge or dropped: from the cache, else read
    const members = new Map<number, string[]>();
    const days = [...new Set([...c.shiftDays, ...c.dropDays])];
    const unread = cache.keeps ? days.filter((d) => !cache.days.has(d)) : days;
    if (unread.length > 0) {
      const pipe = redis.pipeline();
      for (const d of unread) pipe.smembers(`${base}x:${d}`).get(`${base}xs:${d}`);
      const got = results<unknown>(await pipe.exec());
      unread.forEach((d, j) => {
        const ids = dayMembersFrom(got[2 * j] as string[], got[2 * j + 1] as string | null);
        members.set(d, ids);
        if (cache.keeps) cache.days.set(d, ids);
      });
    }
    for (const d of days) if (!members.has(d)) members.set(d, cache.days.get(d)!);
    await loadCustomers(redis, base, fieldsToRead(c, members, cache.customers), cache.customers);

    const out = applyClassified(m, c, cache.customers, members, w, { field, last: Number(params.lastOffset) }, cache.unsent);
    if (fence.changed.length > 0) {
      out.writes.push({ cmd: 'HSET', key: 'meta', args: fence.changed.flatMap((k) => [sourceField(k), String(fence.after.get(k))]) });
    }
    if (params.beforeCommit) await params.beforeCommit(out.conflictOffsets.map(String));
    const next = nextToken();
    // compare-and-set on the version token, the writes, the new token: one script call
    const commit = new FencedCommit(meta, base).guardEquals('token', 'meta', 'ver', token || null);
    for (const wr of out.writes) commit.add(wr.cmd, wr.key, wr.args);
    commit.fence('meta', 'ver', next);
    if ((await commit.run(redis)).committed) {
      cache.recordUnsent(out.rows.filter((_, i) => i % 2 === 0), out.states);
      cache.committed(next, { ...out.meta, sources: fence.after }, field, offsets);
      cache.recordDedupe(c.newTx, c.dropGens);
      cache.recordDays(out.dayAdds, c.dropDays);
      return {
        applied: out.applied, duplicates: out.duplicates, sourceCopies: fence.copies, beyondHorizon: c.beyondHorizon, late: out.late, conflicts: out.conflicts, fenced: c.fenced,
        conflictOffsets: out.conflictOffsets.map(String), maxEventTime: c.maxEvent, endDay: c.newEnd,
      };
    }
    cache.clear(); // another writer got in between: what was computed is void
    if (attempt >= MAX_ATTEMPTS) {
      throw new TransientError('VERSION_CONFLICT', `partition ${params.partition} kept changing under the apply step (${attempt} attempts)`);
    }
  }
}

/**
 * The fingerprints known for the events' transactionIds (their de-dup generations and the late
 * hash), and, when `metaToCheck` is given, the partition's version token, in one round trip.
 * A cache that keeps state holds whole generations (read once with HGETALL, then kept up to
 * date by its own commits), so a step reads only the generations it does not hold yet; a
 * partition with more entries than the cache may keep is looked up per transactionId (HMGET).
 */
async function readKnown(
  redis: Redis, base: string, m: PartitionMeta, prepared: PreparedEvent[], genDays: number, horizonDays: number | undefined, metaToCheck: string | null,
  cache: PartitionCache,
): Promise<{ token: string | null; known: Map<string, string> }> {
  const { live, lookup } = dedupeGenerations(m, prepared, genDays, horizonDays);
  const known = new Map<string, string>();
  if (metaToCheck === null && live.length === 0) return { token: null, known };
  const gens: (number | 'late')[] = live.length === 0 ? [] : [...lookup, 'late'];
  const whole = cache.keeps && !cache.dedupeTooLarge;
  const missing = whole ? gens.filter((g) => !cache.dedupe.has(g)) : gens;
  const pipe = redis.pipeline();
  if (metaToCheck !== null) pipe.hget(metaToCheck, 'ver');
  const txids = whole ? [] : live.map((e) => e.tx);
  for (const g of missing) {
    if (whole) pipe.hgetall(`${base}tx:${g}`);
    else pipe.hmget(`${base}tx:${g}`, ...txids);
  }
  const res = results<unknown>(await pipe.exec());
  const token = metaToCheck === null ? null : ((res.shift() as string | null) ?? '');
  if (!whole) {
    for (const fps of res as (string | null)[][]) {
      fps.forEach((fp, j) => {
        if (fp !== null) known.set(txids[j]!, fp);
      });
    }
    return { token, known };
  }
  missing.forEach((g, j) => cache.dedupe.set(g, new Map(Object.entries(res[j] as Record<string, string>))));
  const maps = gens.map((g) => cache.dedupe.get(g)!);
  for (const e of live) {
    for (const entries of maps) {
      const fp = entries.get(e.tx);
      if (fp !== undefined) {
        known.set(e.tx, fp);
        break;
      }
    }
  }
  cache.checkDedupeSize();
  return { token, known };
}

/** The applied offsets a shard's meta hash records, by field (`off:<topic>:<partition>`). */
function appliedOffsetsFromMeta(raw: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [f, v] of Object.entries(raw)) if (f.startsWith('off:')) out.set(f, Number(v));
  return out;
}

/** A day's customers: its activity list (`xs:<day>`, ids each followed by a space) and an earlier version's set (`x:<day>`). */
function dayMembersFrom(legacy: string[], list: string | null): string[] {
  const ids = list === null ? [] : list.split(' ');
  if (ids.length > 0) ids.pop(); // after the last space
  return legacy.length === 0 ? ids : [...new Set([...legacy, ...ids])];
}

/**
 * Puts into `customers` every needed customer and field it does not hold yet, in one round trip:
 * a customer it does not hold is read whole (HGETALL: a hash of a few dozen fields), so later
 * steps know a field it lacks is absent (a new day or month) without asking Redis again.
 */
async function loadCustomers(redis: Redis, base: string, need: Map<string, Set<string>>, customers: Map<string, Loaded>): Promise<void> {
  const whole: string[] = [];
  const reads: { id: string; fields: string[] }[] = [];
  for (const [id, fields] of need) {
    const have = customers.get(id);
    if (!have) whole.push(id);
    else if (have.complete !== true) {
      const missing = [...fields].filter((f) => f !== 's' && !have.tallies.has(f));
      if (missing.length > 0) reads.push({ id, fields: missing });
    }
  }
  if (whole.length === 0 && reads.length === 0) return;
  const pipe = redis.pipeline();
  for (const id of whole) pipe.hgetall(`${base}c:${id}`);
  for (const r of reads) pipe.hmget(`${base}c:${r.id}`, ...r.fields);
  const got = results<unknown>(await pipe.exec());
  whole.forEach((id, j) => {
    const l = loadedFrom(new Map(Object.entries(got[j] as Record<string, string>)));
    l.complete = true;
    customers.set(id, l);
  });
  reads.forEach(({ id, fields }, j) => {
    const vals = got[whole.length + j] as (string | null)[];
    const have = customers.get(id)!;
    fields.forEach((f, k) => have.tallies.set(f, parseTally(vals[k] ?? null)));
  });
}
