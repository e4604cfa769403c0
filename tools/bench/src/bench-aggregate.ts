/**
 * npm run bench:aggregate: the aggregator's sustained rate on the real local stack.
 *
 * 1,000,000 transactions over 100,000 customers (Pareto-like spend), pre-produced to a fresh
 * 6-partition topic. In the same run it measures (1) a consume-and-decode-only baseline (a
 * kafkajs consumer that decodes every record through the registry codec and does nothing else)
 * and (2) the real aggregator service (exactly-once path: validation, de-dup, the atomic Lua
 * apply, the outbox and the customer.aggregates output). Last line: one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { readAppliedOffset } from '@tierflow/contracts/keyspace/aggregator/applied-offset-reader';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { dropPrefix, PARTITIONS, pipelineFixture, toMessage, waitApplied } from '@tierflow/testkit/aggregator-harness';
import { deleteTopics, produce, testKafka, topicEnd } from '@tierflow/testkit/kafka-io';
import { startService } from '@tierflow/testkit/service-process';
import { generateTransactions } from '@tierflow/testkit/transaction-fixtures';
import { prefixBytes } from '@tierflow/testkit/redis-memory';
import { peakRssMb } from './process-memory';

const TOTAL = Number(process.env.BENCH_TRANSACTIONS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const kafka = testKafka();

/** whether any shard holds an applied position of the transactions topic yet */
async function committedBefore(prefix: string, topic: string): Promise<boolean> {
  for (let p = 0; p < PARTITIONS; p++) if ((await readAppliedOffset(redis, prefix, topic, p)) !== null) return true;
  return false;
}
const redis = new Redis(connectionConfig().redisUrl);
const f = await pipelineFixture(kafka);
try {
  log(`producing ${TOTAL} transactions over ${CUSTOMERS} customers to ${f.topics.transactions}...`);
  const events = generateTransactions({ count: TOTAL, customers: CUSTOMERS, startMs: Date.UTC(2025, 0, 1), days: 180, seed: 7 });
  const t0 = Date.now();
  await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
  log(`produced in ${((Date.now() - t0) / 1000).toFixed(1)}s; ${await topicEnd(kafka, f.topics.transactions)} records`);

  // (1) baseline: consume and decode only
  const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
  const consumer = kafka.consumer({ groupId: `bench-baseline-${randomUUID()}`, maxBytesPerPartition: 2 * 1024 * 1024, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: f.topics.transactions, fromBeginning: true });
  let decoded = 0;
  let firstAt = 0;
  const baselineSeconds = await new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        if (firstAt === 0) firstAt = Date.now();
        for (const m of batch.messages) await codec.decode(m.value);
        decoded += batch.messages.length;
        if (decoded >= TOTAL) resolve((Date.now() - firstAt) / 1000);
      },
    });
  });
  await consumer.disconnect();
  const baselineEventsPerSec = TOTAL / baselineSeconds;
  log(`baseline: ${decoded} decoded in ${baselineSeconds.toFixed(1)}s = ${Math.round(baselineEventsPerSec)}/s`);

  // (2) the aggregator service, exactly-once path on
  // BENCH_PROFILE_DIR=<dir>: the service writes a V8 CPU profile there when it stops
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const spawned = Date.now();
  const service = await startService('aggregator', f.envFor('aggregator'), { nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
  await service.ready();
  // timed from readiness, like the ceiling from its first batch; but an apply thread that joined
  // first may have worked alone while another waited out the group's rebalance: when a step was
  // committed before readiness, the clock starts at the process's start instead
  const early = await committedBefore(f.prefix, f.topics.transactions);
  const start = early ? spawned : Date.now();
  log(`aggregator ready after ${((Date.now() - spawned) / 1000).toFixed(1)} s${early ? '; a step was committed before: timed from the start' : ''}`);
  await waitApplied(redis, f, kafka, 900_000);
  const seconds = (Date.now() - start) / 1000;
  const peakRss = peakRssMb(service.child.pid);
  const metrics = await fetch(`http://127.0.0.1:${service.port}/metrics`).then((r) => r.text());
  await service.stop();
  const redisBytes = await prefixBytes(redis, f.prefix);
  const eventsPerSec = TOTAL / seconds;
  const pick = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  log(`aggregator: ${TOTAL} in ${seconds.toFixed(1)}s = ${Math.round(eventsPerSec)}/s; applied ${pick('tierflow_aggregator_applied_total')}, ` +
    `aggregates emitted ${pick('tierflow_aggregator_aggregates_emitted_total')}, batches ${pick('tierflow_aggregator_batch_seconds_count')}, ` +
    `batch time ${pick('tierflow_aggregator_batch_seconds_sum').toFixed(1)}s`);
  const result = {
    eventsPerSec: Math.round(eventsPerSec),
    baselineEventsPerSec: Math.round(baselineEventsPerSec),
    ratio: Number((eventsPerSec / baselineEventsPerSec).toFixed(3)),
    timedFromStart: early,
    peakRssMb: Math.round(peakRss),
    redisBytesPerCustomer: Math.round(redisBytes / CUSTOMERS),
  };
  console.log(JSON.stringify(result));
} finally {
  await deleteTopics(kafka, Object.values(f.topics));
  await dropPrefix(redis, f.prefix);
  redis.disconnect();
}
