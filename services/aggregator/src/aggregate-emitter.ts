import type { Redis } from 'ioredis';
import type { Message, Producer } from 'kafkajs';
import { headerText, outputDeadLetter, reasonOf } from '@tierflow/runtime/exactly-once/dead-letter';
import { KeyedOutbox } from '@tierflow/runtime/exactly-once/outbox';
import type { Logger } from '@tierflow/runtime/service/logger';
import { processHealth } from '@tierflow/runtime/service/process-health';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { SendCoalescer } from '@tierflow/runtime/kafka/send-coalescer';
import { aggregateFromPacked, aggregateFromState } from '@tierflow/contracts/keyspace/aggregator/aggregate-row';
import { packState, type CustomerState } from '@tierflow/contracts/keyspace/aggregator/aggregate-state';
import { outboxKey, partitionBase } from '@tierflow/contracts/keyspace/aggregator/aggregator-keys';
import type { StateCache, UnsentRecord } from './partition-cache';

export interface AggregateEmitterParams {
  redis: Redis;
  producer: Producer;
  codec: SchemaCodec;
  schemaId: number;
  topic: string;
  prefix: string;
  currency: string;
  currentWindowDays: number;
  rankingWindowDays: number;
  /** the aggregator's dead-letter topic, for states that cannot be encoded (default: TOPIC_TRANSACTIONS_DLQ) */
  dlqTopic?: string;
  logger?: Logger;
  onEmitted?: (count: number) => void;
  /** the partitions' record caches (what was committed and not sent yet) */
  cache: StateCache;
  onDeadLettered?: (messages: Message[]) => void;
}

/**
 * Sends changed customers' states to customer.aggregates and then takes them out of the
 * partition's outbox (the runtime's outbox in per-key mode, KeyedOutbox). The outbox is filled
 * in the same fenced commit as the change, so a crash between the change and the send leaves
 * them there, and flushOutbox sends them on restart.
 */
export function createAggregateEmitter(p: AggregateEmitterParams) {
  const ctx = { currency: p.currency, currentWindowDays: p.currentWindowDays, rankingWindowDays: p.rankingWindowDays };
  // the partitions' handlers emit concurrently: their sends share requests (see SendCoalescer)
  const sender = new SendCoalescer(p.producer, { acks: -1 });
  const dlqTopic = p.dlqTopic ?? topicsFromEnv().transactionsDlq;
  // the partitions this process has emitted for: their outboxes' depth and age are sampled
  const partitions = new Set<number>();
  const outbox = new KeyedOutbox({ redis: p.redis, key: (partition) => outboxKey(p.prefix, partition) });
  processHealth.watchOutbox('aggregates', () => outbox.sample(partitions));

  /** rows: customerId, packed state (or '' when `states` has it), customerId, packed state, ... */
  /** states: the rows' states (copies made for this send: they become the records) */
  async function emitRows(partition: number, rows: string[], states?: readonly CustomerState[]): Promise<void> {
    partitions.add(partition);
    if (rows.length === 0) return;
    const messages = [];
    const ids: string[] = [];
    const dead: Message[] = [];
    for (let i = 0; i < rows.length; i += 2) {
      const id = rows[i]!;
      ids.push(id);
      try {
        // from the step's state when the apply step gave it (no parse of the packed form)
        const state = states?.[i / 2];
        const aggregate = state ? aggregateFromState(id, state, ctx) : aggregateFromPacked(id, rows[i + 1]!, ctx);
        messages.push({ key: id, value: p.codec.encode(p.schemaId, aggregate) });
      } catch (err) {
        // a state that cannot be encoded (EncodeError) is dead-lettered, never retried: it leaves
        // the outbox with the rest, so it cannot stop the partition
        const state = states?.[i / 2];
        const stored = JSON.stringify({ customerId: id, packed: rows[i + 1] || (state ? packState(state) : '') });
        dead.push(outputDeadLetter({ service: 'aggregator', topic: p.topic, source: 'outbox', key: id, stored, why: reasonOf(err, 'BAD_AGGREGATE') }));
      }
    }
    if (dead.length > 0) {
      await p.producer.send({ topic: dlqTopic, acks: -1, messages: dead });
      p.logger?.warn({ partition, count: dead.length, first: headerText(dead[0]!.headers, 'tierflow.dlq.reason') }, 'aggregates dead-lettered: cannot encode');
      p.onDeadLettered?.(dead);
    }
    if (messages.length > 0) await sender.send(p.topic, messages);
    // Removed from the outbox in the partition's serial section, so no apply step's commit is in
    // flight: a customer an apply step committed again while this send was under way is in the
    // record cache and stays in the outbox (removing it would lose its newer state on a crash).
    // The removal is not awaited: it is ordered before the next commit on the connection.
    const c = p.cache.of(partition);
    await c.serial(async () => outbox.acknowledged(partition, ids.filter((id) => !c.unsent.has(id))));
    p.onEmitted?.(messages.length);
  }

  /** Sends records taken from a record cache; a failed send puts them back, first. */
  async function emitRecords(partition: number, records: UnsentRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows: string[] = [];
    const states: CustomerState[] = [];
    for (const r of records) {
      rows.push(r.customerId, '');
      states.push(r.state);
    }
    try {
      await emitRows(partition, rows, states);
    } catch (err) {
      p.cache.of(partition).returnUnsent(records);
      throw err;
    }
  }

  /**
   * Sends the partition's record cache: one record per customer committed since it was last sent
   * (its state after the last of those steps), oldest first. A failed send puts them back.
   */
  async function emitUnsent(partition: number): Promise<void> {
    const c = p.cache.of(partition);
    if (c.unsentCount === 0) return;
    await emitRecords(partition, await c.serial(async () => c.takeUnsent()));
  }

  /**
   * Sends what the partition's outbox holds: the record cache first, then each pending
   * customer's stored state. Both are taken in one serial section of the partition (no apply
   * step in between): a step that committed after the record cache was taken but before the
   * stored states were read would otherwise leave its customer in the record cache with the
   * seq just sent, and its next change would go out under that seq with other content.
   */
  async function flushOutbox(partition: number): Promise<number> {
    partitions.add(partition);
    const c = p.cache.of(partition);
    const base = partitionBase(p.prefix, partition);
    const { records, rows, stateless } = await c.serial(async () => {
      const records = c.takeUnsent(); // their seqs are closed: the next step gives the next seq
      const ids = await outbox.pending(partition);
      const rows: string[] = [];
      const stateless: string[] = [];
      if (ids.length === 0) return { records, rows, stateless };
      const pipeline = p.redis.pipeline();
      for (const id of ids) pipeline.hget(`${base}c:${id}`, 's');
      const results = (await pipeline.exec()) ?? [];
      ids.forEach((id, i) => {
        const packed = results[i]?.[1] as string | null;
        if (packed) rows.push(id, packed);
        else stateless.push(id);
      });
      return { records, rows, stateless };
    });
    await emitRecords(partition, records);
    // an entry without a state has nothing to send: removed, so it cannot age in the outbox
    if (stateless.length > 0) await outbox.drop(partition, stateless);
    await emitRows(partition, rows);
    return rows.length / 2;
  }

  return { emitRows, emitUnsent, flushOutbox };
}

export type AggregateEmitter = ReturnType<typeof createAggregateEmitter>;
