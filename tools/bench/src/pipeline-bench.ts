/**
 * npm run bench: the whole pipeline (transactions -> aggregator -> customer.aggregates -> ranker
 * -> customer.tier-changes) on the real local stack. Measures in one run:
 *  1. sustained throughput for 1,000,000 transactions over 100,000 customers, timed from the
 *     services' start (startup included) until the tiers are through, with each process's CPU
 *     seconds in that time, and the consume-and-decode-only ceiling of the same topic;
 *  2. rebuild: state and derived topics reset, everything reprocessed from the earliest offsets;
 *  3. latency from a transaction's produce time to the tier-change it causes, at a steady
 *     5,000 transactions/s for 60 s, then at 20,000/s for 60 s (live mode; latency-run.ts);
 *  4. peak memory of every service, Redis bytes per customer (and per key pattern,
 *     redis-breakdown.ts), the AOF bytes the throughput run appended per transaction, and a
 *     CPU profile of the aggregator's hot path (the throughput run's services run under
 *     --cpu-prof; BENCH_CPU_PROFILE=0 runs them without).
 * Every service runs: aggregator, ranker, churn-watch and alerter (BENCH_SERVICES narrows it);
 * the throughput is transactions -> tiers, and the state is measured once churn-watch and the
 * alerter have consumed everything too.
 * Writes a table (stderr) and bench-results/pipeline.json; the last line is one JSON object.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import { dropPrefix, PARTITIONS, pipelineFixture, toMessage, waitApplied } from '@tierflow/testkit/aggregator-harness';
import { deleteTopics, produce, testKafka } from '@tierflow/testkit/kafka-io';
import { waitRanked } from '@tierflow/testkit/pipeline-harness';
import { prefixBytes } from '@tierflow/testkit/redis-memory';
import { startService, type ServiceProcess } from '@tierflow/testkit/service-process';
import { generateTransactions } from '@tierflow/testkit/transaction-fixtures';
import { waitConsumed } from '@tierflow/testkit/wait-consumed';
import { churnKeys } from '@tierflow/contracts/keyspace/churn-watch/churn-keys';
import { alertKeys } from '@tierflow/contracts/keyspace/alerter/alert-keys';
import { busiestProfile, summariseCpuProfile } from './cpu-profile-summary';
import { peakRssMb } from './process-memory';
import { cpuSecondsOf, stackPids } from './process-cpu';
import { stackLayout } from '@tierflow/cli/stack/stack-layout';
import { aofFiles, aofMeter } from './aof-meter';
import { breakdownTable, redisBreakdown, sampleValues, type KeyPatternBytes } from './redis-breakdown';
import { latencyRun, type LatencyResult } from './latency-run';
import { serviceDlqTopics } from './service-dlq-topics';

const TOTAL = Number(process.env.BENCH_TRANSACTIONS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 5_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** the second latency run's rate and measured seconds (BENCH_HIGH_RATE=0: skipped) */
const HIGH_RATE = Number(process.env.BENCH_HIGH_RATE ?? 20_000);
const HIGH_SECONDS = Number(process.env.BENCH_HIGH_SECONDS ?? 60);
/** Customers of the latency runs; the steady load picks them with a strong skew (a few big accounts). */
const LIVE_CUSTOMERS = Number(process.env.BENCH_LIVE_CUSTOMERS ?? 20_000);
/** the services started, in order (BENCH_SERVICES=aggregator,ranker: the pipeline to the tiers only) */
const SERVICES = (process.env.BENCH_SERVICES ?? 'aggregator,ranker,churn-watch,alerter').split(',').map((x) => x.trim()).filter(Boolean);
/** seconds of the same steady load before the measured SECONDS (BENCH_RAMP_SECONDS) */
const RAMP_SECONDS = Number(process.env.BENCH_RAMP_SECONDS ?? 10);
/** BENCH_PHASES=latency (or any of throughput,rebuild,latency): run only those; the others print null */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'throughput,rebuild,latency').split(',').map((p) => p.trim()));
const outDir = path.resolve('bench-results');
const profileDir = path.join(outDir, `profile-${Date.now()}`);
mkdirSync(profileDir, { recursive: true });
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
type Fixture = Awaited<ReturnType<typeof pipelineFixture>>;

async function startPipeline(f: Fixture, extra: Record<string, string>, profile = false, dir = profileDir): Promise<ServiceProcess[]> {
  // BENCH_SERVICE_NODE_ARGS: extra node flags for every service (e.g. --trace-gc)
  const extraArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const prof = (name: string) => [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${name}`] : []), ...extraArgs];
  // each service's dead-letter topic is the run's own (deleted with the run's topics)
  const own = serviceDlqTopics(f.suffix);
  const services: ServiceProcess[] = [];
  for (const name of SERVICES) services.push(await startService(name, f.envFor(name, { ...own, ...extra }), { nodeArgs: prof(name) }));
  await Promise.all(services.map((s) => s.ready()));
  return services;
}

/** Waits until churn-watch and the alerter (when running) have consumed every record of their input topics. */
async function waitDownstream(f: Fixture): Promise<void> {
  if (SERVICES.includes('churn-watch')) await waitConsumed(redis, churnKeys(f.prefix).offsets, [f.topics.aggregates, f.topics.tierChanges], kafka, 1_800_000);
  if (SERVICES.includes('alerter')) await waitConsumed(redis, alertKeys(f.prefix).offsets, [f.topics.churnRisk, f.topics.tierChanges], kafka, 1_800_000);
}

interface RunResult {
  /** transactions -> tiers */
  seconds: number;
  /** until churn-watch and the alerter were through as well */
  downstreamSeconds: number;
  rss: Record<string, number>;
  /** CPU seconds of each service and server until the tiers were through */
  cpu: Record<string, number>;
}

/** Runs until the tiers are through, and (`downstream`) churn-watch and the alerter as well. */
async function runToEnd(f: Fixture, extra: Record<string, string>, profile: boolean, downstream = true): Promise<RunResult> {
  // the clock starts before the services do: an apply thread may be through much of the input
  // before every service is ready (a member that joins late waits out the group's rebalance)
  const started = Date.now();
  const servers = stackPids(stackLayout().root);
  const serversBefore = cpuSecondsOf(servers);
  const services = await startPipeline(f, extra, profile);
  log(`  services ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const pids: Record<string, number | undefined> = { ...Object.fromEntries(services.map((s) => [s.name, s.child.pid])), ...servers };
  // a service's CPU from its start, a server's from the reading before the services started
  const cpuBefore = (name: string) => serversBefore[name] ?? 0;
  await waitApplied(redis, f, kafka, 1_800_000);
  log(`  aggregator through at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await waitRanked(redis, f.prefix, f.topics.aggregates, kafka, 1_800_000);
  const seconds = (Date.now() - started) / 1000 - 2; // waitRanked confirms over 4 polls of 0.5 s
  const cpuAfter = cpuSecondsOf(pids);
  const cpu = Object.fromEntries(Object.entries(cpuAfter).map(([name, v]) => [name, Math.round((v - cpuBefore(name)) * 10) / 10]));
  log(`  CPU seconds until the tiers were through: ${JSON.stringify(cpu)}`);
  if (downstream) await waitDownstream(f);
  const downstreamSeconds = downstream ? (Date.now() - started) / 1000 - 1.5 : NaN; // waitConsumed confirms over 3 polls
  const rss = Object.fromEntries(services.map((s) => [s.name, peakRssMb(s.child.pid)]));
  for (const s of services) await s.stop();
  return { seconds, downstreamSeconds, rss, cpu };
}

async function ceiling(topic: string): Promise<number> {
  const codec = new SchemaCodec({ registryUrl: connectionConfig().registryUrl });
  const consumer = kafka.consumer({ groupId: `bench-ceiling-${randomUUID()}`, maxBytesPerPartition: 2 * 1024 * 1024, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  let first = 0;
  const seconds = await new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        if (first === 0) first = Date.now();
        for (const m of batch.messages) await codec.decode(m.value);
        n += batch.messages.length;
        if (n >= TOTAL) resolve((Date.now() - first) / 1000);
      },
    });
  });
  await consumer.disconnect();
  return TOTAL / seconds;
}

const f = await pipelineFixture(kafka);
try {
  let ceilingEventsPerSec = NaN;
  let e2eEventsPerSec = NaN;
  let redisBytesPerCustomer = NaN;
  let aofBytesPerTransaction = NaN;
  let breakdown: KeyPatternBytes[] = [];
  const none: RunResult = { seconds: NaN, downstreamSeconds: NaN, rss: {}, cpu: {} };
  let first = none;
  let rebuild = none;
  if (PHASES.has('throughput') || PHASES.has('rebuild')) {
    log(`producing ${TOTAL} transactions over ${CUSTOMERS} customers...`);
    const events = generateTransactions({ count: TOTAL, customers: CUSTOMERS, startMs: Date.UTC(2025, 0, 1), days: 180, seed: 7 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);

    ceilingEventsPerSec = await ceiling(f.topics.transactions);
    log(`ceiling (consume + decode only): ${Math.round(ceilingEventsPerSec)}/s`);

    const aof = aofMeter(redis);
    const filesBefore = await aofFiles(redis);
    await aof.start();
    first = await runToEnd(f, { TIME_MODE: 'replay' }, process.env.BENCH_CPU_PROFILE !== '0');
    const appended = await aof.stop();
    aofBytesPerTransaction = Math.round(appended.bytes / TOTAL);
    const filesAfter = await aofFiles(redis);
    log(`AOF: ${appended.bytes} bytes appended in the throughput run (${appended.rewrites} rewrites meanwhile) = ${aofBytesPerTransaction} per transaction` +
      (filesBefore && filesAfter ? `; ${filesAfter.dir} ${filesBefore.bytes} -> ${filesAfter.bytes} bytes` : ''));
    e2eEventsPerSec = TOTAL / first.seconds;
    redisBytesPerCustomer = Math.round((await prefixBytes(redis, f.prefix)) / CUSTOMERS);
    breakdown = await redisBreakdown(redis, f.prefix);
    log(`pipeline: ${TOTAL} in ${first.seconds.toFixed(1)}s = ${Math.round(e2eEventsPerSec)}/s (churn-watch and alerter through at ${first.downstreamSeconds.toFixed(1)}s); peak RSS ${JSON.stringify(first.rss)}`);
    log(`\nRedis bytes per customer by key pattern (${CUSTOMERS} customers):\n${breakdownTable(breakdown, CUSTOMERS)}\n`);
    log(`what the keys hold, one key of each pattern:\n${await sampleValues(redis, breakdown)}\n`);
  }

  if (PHASES.has('rebuild')) {
    // rebuild: reset the state and the derived topics, reprocess from the earliest offsets
    await dropPrefix(redis, f.prefix);
    await deleteTopics(kafka, [f.topics.aggregates, f.topics.tierChanges]);
    const admin = kafka.admin();
    await admin.connect();
    await new Promise((r) => setTimeout(r, 2_000));
    await ensureTopics(admin, pipelineTopicSpecs(f.topics, PARTITIONS));
    await admin.disconnect();
    rebuild = await runToEnd(f, { TIME_MODE: 'replay' }, false, false); // the tiers' rebuild
    log(`rebuild: ${rebuild.seconds.toFixed(1)}s`);
  }

  // the latency run starts from a Redis without the 1,000,000-transaction state (its size
  // would otherwise make Redis rewrite its AOF in the middle of the measured minute)
  await dropPrefix(redis, f.prefix);
  const skipped = (rate: number): LatencyResult => ({ rate, p50: NaN, p99: NaN, max: NaN, samples: 0, warmupSeconds: NaN, warmupEvents: 0 });
  const latencyAt = async (rate: number, seconds: number): Promise<LatencyResult> => {
    if (!PHASES.has('latency') || rate <= 0) return skipped(rate);
    const r = await latencyRun({ kafka, redis, rate, seconds, rampSeconds: RAMP_SECONDS, liveCustomers: LIVE_CUSTOMERS, startPipeline, log });
    log(`latency at ${rate}/s for ${seconds}s: p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms (${r.samples} tier changes)`);
    return r;
  };
  const latency = await latencyAt(RATE, SECONDS);
  const high = await latencyAt(HIGH_RATE, HIGH_SECONDS);

  const aggregatorProfiles = existsSync(path.join(profileDir, 'aggregator')) ? readdirSync(path.join(profileDir, 'aggregator')) : [];
  // the busiest of its threads' profiles (with APPLY_THREADS the main thread mostly waits)
  const profile = busiestProfile(aggregatorProfiles.filter((n) => n.endsWith('.cpuprofile')).map((n) => path.join(profileDir, 'aggregator', n)));
  const hot = profile ? summariseCpuProfile(profile) : [];
  log('\naggregator hot path (self time):');
  for (const h of hot) log(`  ${String(h.selfPercent).padStart(5)}%  ${h.function}  ${h.where}`);

  const peak = Math.max(0, ...Object.values(first.rss), ...Object.values(rebuild.rss));
  const table = [
    ['transactions', TOTAL], ['customers', CUSTOMERS],
    ['e2e events/s', Math.round(e2eEventsPerSec)], ['ceiling events/s', Math.round(ceilingEventsPerSec)],
    ['e2e / ceiling', (e2eEventsPerSec / ceilingEventsPerSec).toFixed(2)],
    ['rebuild s', rebuild.seconds.toFixed(1)],
    ['churn-watch and alerter through s', first.downstreamSeconds.toFixed(1)],
    [`latency at ${RATE}/s p50 / p99 / max ms`, `${latency.p50} / ${latency.p99} / ${latency.max} (${latency.samples} tier changes)`],
    ['latency warm-up (cold start)', `${latency.warmupEvents} transactions ranked in ${latency.warmupSeconds.toFixed(1)} s`],
    [`latency at ${HIGH_RATE}/s p50 / p99 / max ms`, `${high.p50} / ${high.p99} / ${high.max} (${high.samples} tier changes)`],
    ...SERVICES.map((name) => [`peak RSS MB ${name}`, first.rss[name] ?? NaN]),
    ['Redis bytes/customer', redisBytesPerCustomer], ['AOF bytes/transaction', aofBytesPerTransaction],
  ];
  log('\n| measure | value |\n|---|---|');
  for (const [k, v] of table) log(`| ${k} | ${v} |`);
  const result = {
    e2eEventsPerSec: Math.round(e2eEventsPerSec),
    ceilingEventsPerSec: Math.round(ceilingEventsPerSec),
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    highRate: HIGH_RATE,
    highP50Ms: high.p50,
    highP99Ms: high.p99,
    highMaxMs: high.max,
    rebuildSeconds: Number(rebuild.seconds.toFixed(1)),
    peakRssMb: peak,
    peakRssByService: first.rss,
    cpuSecondsToTiers: first.cpu,
    redisBytesPerCustomer,
    aofBytesPerTransaction,
  };
  const bytesByPattern = breakdown.map((r) => ({ ...r, bytesPerCustomer: Number((r.bytes / CUSTOMERS).toFixed(1)) }));
  writeFileSync(path.join(outDir, 'pipeline.json'), JSON.stringify({ ...result, latencySamples: latency.samples, highLatencySamples: high.samples, latencyWarmup: { events: latency.warmupEvents, seconds: latency.warmupSeconds }, bytesByPattern, hot }, null, 2));
  console.log(JSON.stringify(result));
} finally {
  await deleteTopics(kafka, [...Object.values(f.topics), ...Object.values(serviceDlqTopics(f.suffix))]);
  await dropPrefix(redis, f.prefix);
  redis.disconnect();
}
