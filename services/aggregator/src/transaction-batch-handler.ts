import type { Redis } from 'ioredis';
import type { KafkaMessage, Producer } from 'kafkajs';
import type avro from 'avsc';
import { DecodeError } from '@tierflow/shared/codec-errors';
import { deadLetterMessage, type DeadLetterReason } from '@tierflow/shared/dead-letter';
import type { Logger } from '@tierflow/shared/logger';
import type { PartitionBatch } from '@tierflow/shared/partition-consumer';
import type { SchemaCodec } from '@tierflow/shared/schema-codec';
import type { AggregateEmitter } from './aggregate-emitter';
import type { AggregatorMetrics } from './aggregator-metrics';
import { applyBatch, type OffsetEvent, type WindowConfig } from './apply-script';
import type { StateCache } from './partition-cache';
import type { TransactionEvent } from '@tierflow/shared/event-types';
import { validateTransaction, type ValidationRules } from './transaction-validation';

/** Largest number of events in one apply step: the commit script stays short, so Redis keeps answering other clients. */
export const MAX_EVENTS_PER_CALL = 4_000;

export interface TransactionHandlerDeps {
  redis: Redis;
  cache: StateCache;
  codec: SchemaCodec;
  readerType: avro.Type;
  producer: Producer;
  dlqTopic: string;
  prefix: string;
  rules: ValidationRules;
  windows: WindowConfig;
  liveClock: boolean;
  emitter: AggregateEmitter;
  metrics: AggregatorMetrics;
  logger: Logger;
}

/**
 * Handles one partition's batch: decode and validate every record, dead-letter the bad ones
 * (before anything is recorded as applied, so none is lost), apply the good ones in atomic
 * script calls that also record the offset, then emit the changed customers' aggregates.
 */
export function createTransactionHandler(d: TransactionHandlerDeps) {
  return async function handleBatch(batch: PartitionBatch): Promise<void> {
    const started = process.hrtime.bigint();
    const { topic, partition, messages } = batch;
    d.metrics.recordsIn.inc(messages.length);
    const good: OffsetEvent[] = [];
    const bad: { message: KafkaMessage; why: DeadLetterReason }[] = [];
    const now = Date.now();
    for (const message of messages) {
      try {
        const event = await d.codec.decode<TransactionEvent>(message.value, d.readerType);
        const verdict = validateTransaction(event, d.rules, now);
        const key = message.key?.toString();
        if (!verdict.ok) bad.push({ message, why: { code: verdict.code, reason: verdict.reason } });
        else if (key !== undefined && key !== event.customerId) {
          bad.push({ message, why: { code: 'KEY_MISMATCH', reason: `record key ${key} is not its customerId ${event.customerId}` } });
        } else good.push({ offset: message.offset, event });
      } catch (err) {
        if (err instanceof DecodeError && !err.retriable) bad.push({ message, why: { code: err.code, reason: err.message } });
        else throw err; // registry down: the batch is retried, nothing is recorded
      }
    }
    const deadLetter = async (items: { message: KafkaMessage; why: DeadLetterReason }[]) => {
      if (items.length === 0) return;
      await d.producer.send({
        topic: d.dlqTopic,
        acks: -1,
        messages: items.map((b) => deadLetterMessage({ service: 'aggregator', topic, partition, message: b.message, why: b.why })),
      });
      for (const b of items) d.metrics.deadLettered.inc({ code: b.why.code });
      d.logger.warn({ topic, partition, count: items.length, first: { offset: items[0]!.message.offset, ...items[0]!.why } }, 'records dead-lettered');
    };
    await deadLetter(bad);
    // transactionIds already applied with other content: found by the apply step, dead-lettered before it commits
    const conflicting = (offsets: string[]) => {
      const byOffset = new Map(messages.map((m) => [m.offset, m]));
      const events = new Map(good.map((g) => [g.offset, g.event]));
      return deadLetter(offsets.map((o) => ({
        message: byOffset.get(o)!,
        why: { code: 'CONFLICTING_TRANSACTION_ID', reason: `transactionId ${events.get(o)?.transactionId} was already applied with other content` },
      })));
    };
    const accepted = good;
    const lastOffset = messages[messages.length - 1]!.offset;
    for (let i = 0; i < Math.max(accepted.length, 1); i += MAX_EVENTS_PER_CALL) {
      const chunk = accepted.slice(i, i + MAX_EVENTS_PER_CALL);
      const isLast = i + MAX_EVENTS_PER_CALL >= accepted.length;
      const result = await applyBatch({
        redis: d.redis, prefix: d.prefix, topic, partition, events: chunk, windows: d.windows,
        lastOffset: isLast ? lastOffset : chunk[chunk.length - 1]!.offset,
        clockMs: d.liveClock ? Date.now() : 0, cache: d.cache.of(partition), beforeCommit: conflicting,
      });
      d.metrics.applied.inc(result.applied);
      d.metrics.duplicates.inc(result.duplicates);
      d.metrics.late.inc(result.late);
      d.metrics.fenced.inc(result.fenced);
      await d.emitter.emitRows(partition, result.rows);
      // records at or below the applied offset came again (a retried batch after a failed send):
      // what that earlier attempt changed may still be in the outbox, so send it now
      if (result.fenced > 0) await d.emitter.flushOutbox(partition);
      await batch.heartbeat?.();
    }
    d.metrics.lag.set({ partition: String(partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(lastOffset) - 1n)));
    d.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  };
}
