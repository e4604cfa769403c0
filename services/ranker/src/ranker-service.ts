import { BadInputError, FatalError } from '@tierflow/contracts/errors/tierflow-error';
import { inputDispositionOf } from '@tierflow/runtime/errors/disposition';
import type { Message } from 'kafkajs';
import { deadLetterMessage, reasonOf } from '@tierflow/runtime/exactly-once/dead-letter';
import type { Logger } from '@tierflow/runtime/service/logger';
import type { PartitionBatch } from '@tierflow/runtime/kafka/partition-consumer';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { idProblem } from '@tierflow/contracts/validation/ids';
import { isValidRegion } from '@tierflow/contracts/validation/region';
import type { Redis } from 'ioredis';
import type { Outbox } from '@tierflow/runtime/exactly-once/outbox';
import type { RankerConfig } from './ranker-config';
import type { RankerMetrics } from './ranker-metrics';
import { basisOf } from '@tierflow/domain/ranking/ranking-basis';
import type { RankStore } from './rank-store';
import type { CustomerAggregate, TierChange } from '@tierflow/contracts/events/event-types';
import { TierEngine } from '@tierflow/domain/ranking/tier-engine';
import type { RankUpdate } from '@tierflow/domain/ranking/rank-update';
import { profileKey } from '@tierflow/contracts/keyspace/profiles/profile-keys';
import { netUpdateIndexes } from './net-updates';

/**
 * The ranker's batch handler: decode, look up regions, apply to the in-memory engine, commit
 * the effects, the outbox and the new offset to Redis in one script call, then let the outbox
 * be sent to Kafka in the background (waiting only when it falls far behind). The
 * engine is (re)built from Redis whenever it may be behind: at assignment, and after any
 * failed commit (the failed batch is then re-delivered and re-applied from the stored state).
 */
export class RankerService {
  private engine: TierEngine | null = null;
  private offset = -1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly params: {
      config: RankerConfig;
      store: RankStore;
      /** for profile look-ups (region) */
      redis: Redis;
      codec: SchemaCodec;
      flusher: Outbox;
      /** sends records that cannot be used to the ranker's dead-letter topic (RANKER_DLQ_TOPIC) */
      deadLetter: (messages: Message[]) => Promise<void>;
      metrics: RankerMetrics;
      logger: Logger;
    },
  ) {}

  get loaded(): boolean {
    return this.engine !== null;
  }

  /** The in-memory engine (null until loaded). */
  get current(): TierEngine | null {
    return this.engine;
  }

  /** Runs handler calls one at a time (batches, assignment checks). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** On assignment: make sure the engine matches Redis, then re-send whatever the outbox holds. */
  onPartitionStart(): Promise<void> {
    return this.serial(() => this.startPartition());
  }

  handleBatch(batch: PartitionBatch): Promise<void> {
    return this.serial(() => this.applyBatch(batch));
  }

  private async startPartition(): Promise<void> {
    const stored = await this.params.store.readOffset();
    if (!this.engine || stored !== this.offset) await this.rebuild();
    else await this.params.flusher.load();
    // the outbox may hold what another (dead) instance committed but never sent
    await this.params.flusher.flush();
  }

  async rebuild(): Promise<void> {
    const { config, store, metrics, logger } = this.params;
    const started = performance.now();
    const engine = new TierEngine({ rules: config.rules, configVersion: config.configVersion, regions: config.regions });
    this.engine = null;
    this.offset = await store.load(engine);
    await this.params.flusher.load(); // the outbox as Redis holds it, for this state
    this.engine = engine;
    const seconds = (performance.now() - started) / 1000;
    metrics.rebuilds.inc();
    metrics.rebuildSeconds.set(seconds);
    metrics.population.set(engine.global.index.size);
    logger.info({ customers: engine.customers.size, offset: this.offset, seconds }, 'index rebuilt from Redis');
  }

  private async applyBatch(batch: PartitionBatch): Promise<void> {
    const { config, flusher } = this.params;
    if (!this.engine) await this.rebuild();
    if (batch.partition !== 0) {
      throw new FatalError('BAD_TOPIC', `${batch.topic} must have one partition (got a batch of partition ${batch.partition})`);
    }
    const messages = batch.messages.filter((m) => Number(m.offset) > this.offset);
    // bounded commits: one script call per chunk keeps Redis calls and memory small. The next
    // chunk is prepared while the previous commit runs: its compare-and-set expects the previous
    // chunk's offset, so it can only land after it (and fails if that one failed).
    const size = config.commitBatchSize;
    const outstanding: Promise<void>[] = [];
    try {
      for (let i = 0; i < messages.length; i += size) {
        const { commit } = await this.applyChunk(batch, messages.slice(i, i + size));
        commit.catch(() => undefined); // awaited below
        outstanding.push(commit);
        if (outstanding.length > 1) await outstanding.shift();
        // the outbox is sent in the background; wait only when Kafka falls far behind
        await flusher.drainBelow(config.maxPendingEvents);
      }
      while (outstanding.length > 0) await outstanding.shift();
    } catch (err) {
      await Promise.allSettled(outstanding);
      throw err;
    }
  }

  /** Decodes, applies and issues the chunk's commit (its arguments are built before this returns). */
  private async applyChunk(batch: PartitionBatch, messages: PartitionBatch['messages']): Promise<{ commit: Promise<void> }> {
    const { config, store, metrics, codec, flusher } = this.params;
    const engine = this.engine as TierEngine;
    const timer = metrics.batchSeconds.startTimer();
    const decoded: Array<{ offset: number; agg: CustomerAggregate | null }> = [];
    const dead: Message[] = [];
    for (const m of messages) {
      try {
        const agg = await codec.decode<CustomerAggregate>(m.value);
        const bad = idProblem(agg.customerId, 'customerId'); // the one id rule of every entry point
        if (bad) throw new BadInputError('BAD_CUSTOMER_ID', bad.reason);
        decoded.push({ offset: Number(m.offset), agg });
      } catch (err) {
        if (inputDispositionOf(err) === 'retry') throw err; // nothing applied yet: redelivered
        decoded.push({ offset: Number(m.offset), agg: null });
        dead.push(deadLetterMessage({ service: 'ranker', topic: batch.topic, partition: batch.partition, message: m, why: reasonOf(err, 'BAD_AGGREGATE') }));
      }
    }
    // the dead letters are sent before the commit that records their offsets: none is lost
    if (dead.length > 0) await this.params.deadLetter(dead);
    const regions = config.regions ? await this.regionsOf(decoded.flatMap((d) => (d.agg ? [d.agg.customerId] : []))) : null;
    const events: TierChange[] = [];
    const applied: number[] = [];
    let eventTime = 0;
    // RANKER_NET_UPDATES with exact tiers: the chunk's net updates, each customer's latest record only, once (net-updates.ts
    // says which intermediate tier changes this leaves out); with hysteresis every record, in order
    const net = config.netUpdates && exactTiers(config)
      ? netUpdateIndexes(decoded, (d) => d.agg?.customerId ?? null, (d) => d.agg?.seq ?? 0)
      : decoded.flatMap((d, i) => (d.agg ? [i] : []));
    metrics.coalesced.inc(decoded.length - dead.length - net.length);
    for (const i of net) {
      const a = (decoded[i] as { agg: CustomerAggregate }).agg; // dead-lettered ones have no key
      const update: RankUpdate = {
        customerId: a.customerId,
        seq: a.seq,
        eventTime: a.eventTime,
        basis: basisOf(a, config.basis, config.weights),
        region: regions?.get(a.customerId) ?? null,
        causeEventId: a.eventId,
        causeOffset: (decoded[i] as { offset: number }).offset,
      };
      const out = engine.apply(update);
      if (out === null) {
        metrics.stale.inc();
        continue;
      }
      applied.push(engine.lastHandle);
      eventTime = a.eventTime;
      for (const e of out) events.push(e);
    }
    const last = decoded[decoded.length - 1] as { offset: number };
    const commit = store.commit(engine, {
      expectedOffset: this.offset,
      offset: last.offset,
      applied,
      dirty: engine.drainDirty(),
      events,
      eventTime,
    });
    this.offset = last.offset; // what Redis will hold once the commit lands
    const population = engine.global.index.size;
    const done = commit.then(
      (entries) => {
        flusher.enqueue(entries);
        metrics.applied.inc(applied.length);
        metrics.rejected.inc(dead.length);
        countChanges(metrics, events);
        metrics.population.set(population);
        timer();
      },
      (err: unknown) => {
        this.engine = null; // memory is ahead of Redis: rebuild before the redelivered batch
        throw err;
      },
    );
    return { commit: done };
  }

  private async regionsOf(ids: string[]): Promise<Map<string, string | null>> {
    const unique = [...new Set(ids)];
    const pipe = this.params.redis.pipeline();
    for (const id of unique) pipe.hget(profileKey(this.params.config.prefix, id), 'region');
    const res = (await pipe.exec()) ?? [];
    const out = new Map<string, string | null>();
    unique.forEach((id, i) => {
      const [err, v] = res[i] ?? [null, null];
      if (err) throw err;
      // a stored region that is not a valid name (stored before profiles were validated) ranks as unassigned
      const region = (v as string | null) ?? null;
      out.set(id, region !== null && isValidRegion(region) ? region : null);
    });
    return out;
  }
}

/**
 * Tiers without hysteresis (no margin band, no minimum dwell): the published tier is the raw
 * one, a function of the final bases alone, so a chunk's net updates give the same final tiers
 * whatever the chunk boundaries. With hysteresis the published tier depends on the path (the
 * bases and times it saw), and chunk boundaries depend on how Kafka batched the fetches: every
 * record is applied then, so the output stays a function of the input alone.
 */
function exactTiers(config: RankerConfig): boolean {
  return config.rules.margin === 0 && config.rules.minDwellMs === 0;
}

/** tier-change counters, incremented once per label pair per chunk */
function countChanges(metrics: RankerMetrics, events: TierChange[]): void {
  const counts = new Map<string, number>();
  for (const e of events) {
    const key = `${e.scope === 'global' ? 'global' : 'region'}|${e.direction}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, n] of counts) {
    const [scope_kind, direction] = key.split('|') as [string, string];
    metrics.tierChanges.inc({ scope_kind, direction }, n);
  }
}
