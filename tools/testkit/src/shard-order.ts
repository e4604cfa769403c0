import type { Kafka, KafkaMessage } from 'kafkajs';
import avro from 'avsc';
import { randomUUID } from 'node:crypto';
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import type { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import type { Topics } from '@tierflow/contracts/topics';
import type { FixtureEvent } from './transaction-fixtures';
import { readTopic, topicEnd } from './kafka-io';
import { PARTITIONS } from './aggregator-harness';

/** Every record of a topic with its partition, read from the beginning to the end it has now. */
async function readWithPartitions(kafka: Kafka, topic: string): Promise<{ partition: number; message: KafkaMessage }[]> {
  const end = await topicEnd(kafka, topic);
  const out: { partition: number; message: KafkaMessage }[] = [];
  if (end === 0) return out;
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${topic}: timed out with ${out.length} of ${end} records`)), 180_000);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) out.push({ partition: batch.partition, message });
          if (out.length >= end) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const text = (m: KafkaMessage, header: string) => {
  const raw = m.headers?.[header];
  return (Array.isArray(raw) ? raw[0] : raw)?.toString();
};

/**
 * The transactions as each shard received them, for an oracle of producers whose records
 * interleave (the order decides which are late). Shard P receives two streams: the records of
 * shard P on partition P of the transactions topic, read directly (REPARTITION_MODE=direct), and
 * what its by-customer partition holds (the records forwarded to it, copies sent again after a
 * crash, same source position, dropped). Each stream is in its own order; how the two interleave
 * is not recorded, so `mixed` lists the shards that received both: for them any order the oracle
 * takes is one possible arrival order, exact only for input where no order makes an event late.
 * Records the dead-letter topic names by source position were refused, not received. Checks on
 * the way that each source partition's records reach a shard in source-offset order.
 */
export async function shardOrder(kafka: Kafka, f: { codec: SchemaCodec; topics: Topics }): Promise<{ events: FixtureEvent[]; mixed: number[] }> {
  const reader = avro.Type.forSchema(JSON.parse(await readSchemaFile('TransactionEvent.avsc')));
  const dlqEnd = await topicEnd(kafka, f.topics.transactionsDlq);
  const dead = new Set(
    (dlqEnd === 0 ? [] : await readTopic(kafka, f.topics.transactionsDlq, (m) => m.length >= dlqEnd, 180_000))
      .map((m) => ['topic', 'partition', 'offset'].map((h) => text(m, `tierflow.dlq.source.${h}`)).join(':')),
  );
  const direct = new Map<number, FixtureEvent[]>();
  const lane = (m: Map<number, FixtureEvent[]>, p: number) => {
    let list = m.get(p);
    if (!list) m.set(p, (list = []));
    return list;
  };
  for (const { partition, message } of await readWithPartitions(kafka, f.topics.transactions)) {
    if (partition >= PARTITIONS || dead.has(`${f.topics.transactions}:${partition}:${message.offset}`)) continue;
    const e = await f.codec.decode<FixtureEvent>(message.value, reader); // refused records were skipped above
    if (partitionOfKey(e.customerId, PARTITIONS) !== partition) continue; // forwarded: read below
    lane(direct, partition).push({ ...e, product: e.product ?? null });
  }
  const forwarded = new Map<number, FixtureEvent[]>();
  const seen = new Set<string>();
  const last = new Map<string, number>();
  for (const { partition, message } of await readWithPartitions(kafka, f.topics.transactionsByCustomer)) {
    const source = text(message, 'tierflow.source') ?? '';
    if (seen.has(source)) continue;
    seen.add(source);
    const e = await f.codec.decode<FixtureEvent>(message.value, reader);
    const [, topicPartition, offset] = /^(.*:\d+):(\d+)$/.exec(source) ?? [];
    const from = `${partition}|${topicPartition}`;
    if (Number(offset) <= (last.get(from) ?? -1)) throw new Error(`shard order: ${source} after offset ${last.get(from)} of the same source`);
    last.set(from, Number(offset));
    lane(forwarded, partition).push({ ...e, product: e.product ?? null });
  }
  const events: FixtureEvent[] = [];
  const mixed: number[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const a = direct.get(p) ?? [];
    const b = forwarded.get(p) ?? [];
    if (a.length > 0 && b.length > 0) mixed.push(p);
    events.push(...a, ...b);
  }
  return { events, mixed };
}
