import type { Redis } from 'ioredis';
import type { KafkaMessage, Message, Producer } from 'kafkajs';
import type avro from 'avsc';
import { DecodeError } from '@tierflow/runtime/codec/codec-errors';
import { dispositionOf } from '@tierflow/runtime/errors/disposition';
import { deadLetterMessage, type DeadLetterReason } from '@tierflow/runtime/exactly-once/dead-letter';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import type { Logger } from '@tierflow/runtime/service/logger';
import type { PartitionBatch } from '@tierflow/runtime/kafka/partition-consumer';
import { batchHeartbeat } from '@tierflow/runtime/kafka/batch-heartbeat';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import type { AggregateEmitter } from './aggregate-emitter';
import type { AggregatorMetrics } from './aggregator-metrics';
import { routeTransaction, SOURCE_HEADER, sourceOf, sourcePositionOf } from './repartition/route-transaction';
import { applyBatch, type OffsetEvent } from './apply-script';
import type { WindowSettings } from '@tierflow/domain/windows/batch-plan';
import { readAppliedOffset } from '@tierflow/contracts/keyspace/aggregator/applied-offset-reader';
import { metaKey, offsetField } from '@tierflow/contracts/keyspace/aggregator/aggregator-keys';
import type { StateCache } from './partition-cache';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { validateTransaction, type ValidationRules } from '@tierflow/contracts/validation/transaction';


/**
 * The most customers a partition's record cache holds before it is sent within a batch (a batch
 * of a backlog is tens of thousands of records; live, a batch is one short step).
 */
const EMIT_AT_CUSTOMERS = 20_000;

export interface TransactionHandlerDeps {
  redis: Redis;
  cache: StateCache;
  codec: SchemaCodec;
  readerType: avro.Type;
  producer: Producer;
  dlqTopic: string;
  prefix: string;
  /** customer shards: the by-customer topic's partition count */
  shards: number;
  rules: ValidationRules;
  windows: WindowSettings;
  liveClock: boolean;
  emitter: AggregateEmitter;
  metrics: AggregatorMetrics;
  logger: Logger;
  /**
   * Most events in one apply step (APPLY_STEP_EVENTS): the step's aggregates are sent after its
   * commit, so the step's length is part of every one of its events' latency; short steps also
   * keep the commit script short, so Redis keeps answering other clients.
   */
  stepEvents: number;
  /**
   * The by-customer topic (the shards). A batch of any other topic is of the transactions topic,
   * read directly (docs/contracts.md, "Partitioning"): its records of shard P (the partition's
   * own number) are applied here, the others forwarded to their shard through this topic.
   */
  shardTopic: string;
  /** sends records to the by-customer topic, resolving once Kafka acknowledged them all */
  forward: (messages: Message[]) => Promise<void>;
}

/**
 * Handles one partition's batch: decode and validate every record, dead-letter the bad ones
 * (before anything is recorded as applied, so none is lost), apply the good ones in atomic
 * script calls that also record the offset, then emit the changed customers' aggregates.
 */
export function createTransactionHandler(d: TransactionHandlerDeps) {
  return async function handleBatch(batch: PartitionBatch): Promise<void> {
    const started = process.hrtime.bigint();
    const { topic, partition } = batch;
    const fromSource = topic !== d.shardTopic;
    // a source partition numbered beyond the shards (its topic grew) has no shard: it is forwarded only
    const shard = partition < d.shards ? d.cache.of(partition) : null;
    // a batch retried after some of its slices were committed comes back whole: skip what is
    // recorded as applied (from the cache when this process wrote it last, else from Redis)
    const cachedApplied = shard?.appliedOf(offsetField(topic, partition));
    const applied = cachedApplied !== undefined ? BigInt(cachedApplied) : await readAppliedOffset(d.redis, d.prefix, topic, partition);
    const messages = applied === null ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) > applied);
    if (messages.length === 0) return shard ? d.emitter.emitUnsent(partition) : undefined; // what a failed send left
    d.metrics.recordsIn.inc(messages.length);
    if (fromSource) d.metrics.sourceIn.inc(messages.length);
    const good: OffsetEvent[] = [];
    const bad: { message: KafkaMessage; why: DeadLetterReason }[] = [];
    const forward: Message[] = [];
    const now = Date.now();
    for (const message of messages) {
      try {
        const decoded = d.codec.decodeNow<TransactionEvent>(message.value, d.readerType);
        const event = decoded instanceof Promise ? await decoded : decoded;
        if (fromSource) {
          const route = routeTransaction({ topic, partition }, message, event, d.rules, now);
          if (!route.ok) bad.push({ message, why: route.why });
          else if (shard !== null && partitionOfKey(event.customerId, d.shards) === partition) good.push({ offset: message.offset, event });
          else forward.push(route.message);
          continue;
        }
        const verdict = validateTransaction(event, d.rules, now);
        const key = message.key?.toString();
        if (!verdict.ok) bad.push({ message, why: { code: verdict.code, reason: verdict.reason } });
        else if (key !== undefined && key !== event.customerId) {
          bad.push({ message, why: { code: 'KEY_MISMATCH', reason: `record key ${key} is not its customerId ${event.customerId}` } });
        } else if (partitionOfKey(event.customerId, d.shards) !== partition) {
          // only this service writes this topic; a record put here by hand is refused
          bad.push({ message, why: { code: 'WRONG_SHARD', reason: `customer ${event.customerId} belongs to shard ${partitionOfKey(event.customerId, d.shards)}, not ${partition}` } });
        } else {
          good.push({ offset: message.offset, event, source: sourcePositionOf(message) ?? undefined });
        }
      } catch (err) {
        // the one table (runtime/errors): an undecodable record is dead-lettered; a registry
        // outage is retried (the batch comes again, nothing is recorded); a bug crashes
        if (err instanceof DecodeError && dispositionOf(err) === 'dead-letter') bad.push({ message, why: { code: err.code, reason: err.message } });
        else throw err;
      }
    }
    // Records of other shards go to them before anything of this batch is recorded as applied:
    // a crash in between sends them again, and their shards skip the copies by source offset.
    if (forward.length > 0) {
      await d.forward(forward);
      d.metrics.repartitioned.inc(forward.length);
    }
    // Bad records are dead-lettered slice by slice, just before the commit that records their
    // offsets as applied, and once per call: so a batch retried after some slices were committed
    // (it comes back from the applied offset on) does not dead-letter them twice.
    const sent = new Set<string>();
    const deadLetter = async (items: { message: KafkaMessage; why: DeadLetterReason }[]) => {
      const fresh = items.filter((b) => !sent.has(b.message.offset));
      if (fresh.length === 0) return;
      await d.producer.send({
        topic: d.dlqTopic,
        acks: -1,
        messages: fresh.map((b) => {
          // named by where its producer put it, when the repartition stage brought it here
          const from = sourceOf(b.message);
          const { [SOURCE_HEADER]: _moved, ...headers } = b.message.headers ?? {};
          return from
            ? deadLetterMessage({ service: 'aggregator', topic: from.topic, partition: from.partition, message: { ...b.message, offset: from.offset, headers } as KafkaMessage, why: b.why })
            : deadLetterMessage({ service: 'aggregator', topic, partition, message: b.message, why: b.why });
        }),
      });
      for (const b of fresh) {
        sent.add(b.message.offset);
        d.metrics.deadLettered.inc({ code: b.why.code });
      }
      d.logger.warn({ topic, partition, count: fresh.length, first: { offset: fresh[0]!.message.offset, ...fresh[0]!.why } }, 'records dead-lettered');
    };
    const lastOffset = messages[messages.length - 1]!.offset;
    if (shard === null) {
      // forwarded and dead-lettered: its position is all this partition records (no state)
      await deadLetter(bad);
      await d.redis.hset(metaKey(d.prefix, partition), offsetField(topic, partition), lastOffset);
      d.metrics.sourceLag.set({ partition: String(partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(lastOffset) - 1n)));
      return;
    }
    const byOffset = new Map(messages.map((m) => [m.offset, m]));
    const events = new Map(good.map((g) => [g.offset, g.event]));
    let done = -1n;
    // heartbeats while the steps run (batch-heartbeat.ts): a long step does not get this member evicted
    const membership = batchHeartbeat(batch.heartbeat);
    try {
      for (let i = 0; i < Math.max(good.length, 1); i += d.stepEvents) {
        const chunk = good.slice(i, i + d.stepEvents);
        const isLast = i + d.stepEvents >= good.length;
        const upTo = isLast ? lastOffset : chunk[chunk.length - 1]!.offset;
        const from = done;
        // the bad records of this slice's offset range, and the transactionIds found applied with
        // other content, go to the dead-letter topic before the slice is committed
        const beforeCommit = (conflicts: string[]) =>
          deadLetter([
            ...bad.filter((b) => BigInt(b.message.offset) > from && BigInt(b.message.offset) <= BigInt(upTo)),
            ...conflicts.map((o) => ({
              message: byOffset.get(o)!,
              why: { code: 'CONFLICTING_TRANSACTION_ID', reason: `transactionId ${events.get(o)?.transactionId} was already applied with other content` },
            })),
          ]);
        const result = await applyBatch({
          redis: d.redis, prefix: d.prefix, topic, partition, events: chunk, windows: d.windows, lastOffset: upTo,
          clockMs: d.liveClock ? Date.now() : 0, cache: d.cache.of(partition), beforeCommit,
        });
        done = BigInt(upTo);
        d.metrics.applied.inc(result.applied);
        d.metrics.duplicates.inc(result.duplicates);
        d.metrics.sourceCopies.inc(result.sourceCopies);
        d.metrics.beyondHorizon.inc(result.beyondHorizon);
        d.metrics.late.inc(result.late);
        d.metrics.fenced.inc(result.fenced);
        // the record cache: sent after the batch's last step, or once it holds this many customers
        if (d.cache.of(partition).unsentCount >= EMIT_AT_CUSTOMERS) await d.emitter.emitUnsent(partition);
        // records at or below the applied offset came again (a retried batch after a failed send):
        // what that earlier attempt changed may still be in the outbox, so send it now
        if (result.fenced > 0) await d.emitter.flushOutbox(partition);
        // a rebalance under way: stop after the committed slices, so this member rejoins now
        // rather than when the whole batch is through (rebalance-error.ts says why); another
        // failed heartbeat does not fail them: kafkajs finds it on its next call
        const rebalance = await membership.check();
        if (rebalance !== null) {
          await d.emitter.emitUnsent(partition);
          throw rebalance;
        }
      }
    } finally {
      membership.stop();
    }
    await d.emitter.emitUnsent(partition);
    (fromSource ? d.metrics.sourceLag : d.metrics.lag).set({ partition: String(partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(lastOffset) - 1n)));
    d.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  };
}
