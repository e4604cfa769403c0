import type { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import type { SchemaCodec } from '@tierflow/shared/schema-codec';
import { aggregateFromValues, AGGREGATE_FIELDS } from './aggregate-row';
import { outboxKey, partitionBase } from './aggregator-keys';

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
  onEmitted?: (count: number) => void;
}

/**
 * Sends changed customers' states to customer.aggregates and then takes them out of the
 * partition's outbox. The outbox is filled in the same script call as the change, so a crash
 * between the change and the send leaves them there, and flushOutbox sends them on restart.
 */
export function createAggregateEmitter(p: AggregateEmitterParams) {
  const ctx = { currency: p.currency, currentWindowDays: p.currentWindowDays, rankingWindowDays: p.rankingWindowDays };

  async function emitRows(partition: number, rows: string[][]): Promise<void> {
    if (rows.length === 0) return;
    const messages = rows.map((row) => {
      const id = row[0]!;
      const aggregate = aggregateFromValues(id, row.slice(1), ctx);
      return { key: id, value: p.codec.encode(p.schemaId, aggregate) };
    });
    await p.producer.send({ topic: p.topic, messages, acks: -1 });
    await p.redis.srem(outboxKey(p.prefix, partition), ...rows.map((r) => r[0]!));
    p.onEmitted?.(rows.length);
  }

  async function flushOutbox(partition: number): Promise<number> {
    const ids = await p.redis.smembers(outboxKey(p.prefix, partition));
    if (ids.length === 0) return 0;
    const base = partitionBase(p.prefix, partition);
    const pipeline = p.redis.pipeline();
    for (const id of ids) pipeline.hmget(`${base}c:${id}`, ...AGGREGATE_FIELDS);
    const results = (await pipeline.exec()) ?? [];
    const rows = ids.map((id, i) => [id, ...((results[i]?.[1] as (string | null)[]) ?? []).map((v) => v ?? '0')]);
    await emitRows(partition, rows);
    return rows.length;
  }

  return { emitRows, flushOutbox };
}

export type AggregateEmitter = ReturnType<typeof createAggregateEmitter>;
