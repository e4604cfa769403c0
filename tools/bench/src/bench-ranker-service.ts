/**
 * npm run bench:ranker: the ranker service's sustained rate on the real local stack.
 *
 * Pre-produces BENCH_AGGREGATES (300,000) CustomerAggregate records for BENCH_CUSTOMERS
 * (100,000) customers to fresh topics (Avro through the registry), starts the real ranker
 * service as a child process with a Redis prefix of its own, and measures from its readiness
 * until its committed offset (in Redis) reaches the topic's end, then waits for the outbox to
 * drain and counts the tier changes on the output topic. Every customer is `unassigned`, so
 * each change is emitted in the global and the region:unassigned scope.
 * BENCH_CPU_PROF=<dir> runs the service under node --cpu-prof (profile written on exit);
 * BENCH_ENV_<NAME>=value sets the ranker's <NAME> (e.g. BENCH_ENV_COMMIT_BATCH_SIZE=2000).
 * Last line: one JSON object.
 */
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { rankKeys } from '@tierflow/contracts/keyspace/ranker/rank-store-keys';
import { dropPrefix } from '@tierflow/testkit/aggregator-harness';
import { deleteTopics, produce, testKafka, topicEnd } from '@tierflow/testkit/kafka-io';
import { startService } from '@tierflow/testkit/service-process';
import { rankerFixture, type AggregateRecord } from '@tierflow/testkit/ranker-fixture';

const TOTAL = Number(process.env.BENCH_AGGREGATES ?? 300_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 900_000);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** Deterministic aggregates: every customer seen, growing Pareto-like revenue, seq +1 per customer. */
function generate(count: number, customers: number, seed: number): AggregateRecord[] {
  let x = seed;
  const rnd = () => (x = (x * 48271) % 2147483647) / 2147483647;
  const seq = new Int32Array(customers);
  const revenue = new Float64Array(customers);
  const t0 = Date.UTC(2025, 0, 1);
  const out: AggregateRecord[] = [];
  for (let i = 0; i < count; i++) {
    // the first pass introduces every customer, then customers come back at random
    const c = i < customers ? i : Math.floor(customers * rnd());
    const id = `c${String(c).padStart(6, '0')}`;
    const s = (seq[c] = (seq[c] as number) + 1);
    const add = Math.floor(1_000 / (1 - rnd() * 0.999) ** 0.8); // heavy tail
    const r = (revenue[c] = (revenue[c] as number) + add);
    const at = t0 + i * 1_000;
    out.push({
      eventId: `${id}:${s}`,
      customerId: id,
      seq: s,
      currency: 'USD',
      eventTime: at,
      watermark: at,
      revenueMinor: r,
      costMinor: Math.floor(r / 3),
      profitMinor: r - Math.floor(r / 3),
      txCount: s,
      paymentCount: 0,
      balanceMinor: 0,
      firstActivityAt: t0,
      lastActivityAt: at,
      currentWindowDays: 30,
      currentRevenueMinor: r,
      currentProfitMinor: r,
      currentCount: s,
      previousRevenueMinor: 0,
      previousProfitMinor: 0,
      previousCount: 0,
      rankingWindowDays: 90,
      rankingRevenueMinor: r,
      rankingProfitMinor: Math.floor(r / 2),
      rankingCount: s,
    });
  }
  return out;
}

const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const f = await rankerFixture(kafka);
const keys = rankKeys(f.prefix);
try {
  log(`producing ${TOTAL} aggregates over ${CUSTOMERS} customers to ${f.topics.aggregates}...`);
  const t0 = Date.now();
  await produce(kafka, f.topics.aggregates, generate(TOTAL, CUSTOMERS, 11).map(f.toMessage), 4_000);
  const end = await topicEnd(kafka, f.topics.aggregates);
  log(`produced in ${((Date.now() - t0) / 1000).toFixed(1)}s; ${end} records`);

  const profDir = process.env.BENCH_CPU_PROF;
  // BENCH_ENV_<NAME>=value passes <NAME>=value to the ranker (e.g. BENCH_ENV_COMMIT_BATCH_SIZE)
  const extra = Object.fromEntries(
    Object.entries(process.env).flatMap(([k, v]) => (k.startsWith('BENCH_ENV_') && v !== undefined ? [[k.slice(10), v]] : [])),
  );
  const service = await startService('ranker', f.env({ LOG_LEVEL: 'warn', ...extra }), {
    nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
  });
  const offset = async () => Number((await redis.hget(keys.offsets, `${f.topics.aggregates}:0`)) ?? -1);
  let seconds: number;
  let drainedSeconds: number;
  try {
    await service.ready();
    const start = Date.now();
    const deadline = start + TIMEOUT_MS;
    let lastLog = start;
    for (;;) {
      const o = await offset();
      if (o >= end - 1) break;
      if (service.exited()) throw new Error('the ranker exited during the run');
      if (Date.now() > deadline) throw new Error(`timed out at offset ${o} of ${end - 1}`);
      if (Date.now() - lastLog >= 5_000) {
        lastLog = Date.now();
        log(`  offset ${o + 1}/${end} after ${((lastLog - start) / 1000).toFixed(0)}s`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    seconds = (Date.now() - start) / 1000;
    while ((await redis.llen(keys.outbox)) > 0) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the outbox to drain');
      await new Promise((r) => setTimeout(r, 20));
    }
    drainedSeconds = (Date.now() - start) / 1000;
    const metrics = await fetch(`http://127.0.0.1:${service.port}/metrics`).then((r) => r.text());
    const pick = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    log(`ranker: offset end reached in ${seconds.toFixed(1)}s, outbox drained at ${drainedSeconds.toFixed(1)}s; ` +
      `applied ${pick('tierflow_ranker_aggregates_applied_total')}, sent ${pick('tierflow_ranker_outbox_sent_total')}, ` +
      `batches ${pick('tierflow_ranker_batch_seconds_count')}, batch time ${pick('tierflow_ranker_batch_seconds_sum').toFixed(1)}s`);
  } finally {
    await service.stop();
  }
  const tierChanges = await topicEnd(kafka, f.topics.tierChanges);
  console.log(JSON.stringify({
    aggregates: end,
    seconds: Number(seconds.toFixed(2)),
    aggregatesPerSec: Math.round(end / seconds),
    tierChanges,
    tierChangesPerSec: Math.round(tierChanges / drainedSeconds),
  }));
} finally {
  await deleteTopics(kafka, Object.values(f.topics));
  await dropPrefix(redis, f.prefix);
  redis.disconnect();
}
