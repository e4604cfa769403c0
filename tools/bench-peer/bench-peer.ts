/**
 * npm run bench:peer (issue 16): tierflow's aggregator against "the program a user would write
 * instead", a Kafka Streams application with processing.guarantee=exactly_once_v2 (this folder's
 * pom.xml and src/), on the same transactions in the same run.
 *
 * 1. Builds the peer with Maven (target/classes + target/lib).
 * 2. Produces BENCH_PEER_TX transactions over BENCH_PEER_CUSTOMERS customers (180 days, the
 *    generator and seed of bench:aggregate) to a fresh 6-partition topic, once.
 * 3. Runs the peer as a JVM until its consumer group's committed offsets reach the topic's end;
 *    its rate counts from its state RUNNING (also printed: from its first committed offset, and
 *    the wall time including the JVM start). Then, optionally, the JVM's decode-only ceiling.
 * 4. Runs tierflow's aggregator service (unique REDIS_KEY_PREFIX) until waitApplied.
 * 5. Checks both against a plain sum over the generated transactions for BENCH_PEER_SAMPLE
 *    customers: lifetime revenue, cost and count, and the 30/90-day revenue at the end of the
 *    stream (days >= E-29 / E-89, E = day of the newest occurredAt of the customer's partition;
 *    an event older than its partition's newest minus 48 h counts in lifetime totals only).
 *    The peer's values are its latest output record per key (read_committed).
 * Last line: one JSON object. Exit 1 when either result is wrong.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import {
  PARTITIONS,
  aggregatorGroup,
  connectionConfig,
  cpuSeconds,
  deleteTopics,
  dropPrefix,
  generateTransactions,
  peakRssMb,
  pipelineFixture,
  produce,
  readCustomers,
  repartitionGroup,
  stackPids,
  startService,
  testKafka,
  toMessage,
  topicEnd,
  waitApplied,
} from './deps';
import { compare, expectedTotals, peerOutput, sampleCustomers } from './peer-check';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const TOTAL = num('BENCH_PEER_TX', 1_000_000);
const CUSTOMERS = num('BENCH_PEER_CUSTOMERS', 100_000);
const SAMPLE = num('BENCH_PEER_SAMPLE', 1_000);
const TIMEOUT_MS = num('BENCH_PEER_TIMEOUT_S', 1_800) * 1000;
const HEAP = process.env.BENCH_PEER_HEAP ?? '1g';
const CEILING = (process.env.BENCH_PEER_CEILING ?? '1') !== '0';
const PEER_FIRST = (process.env.BENCH_PEER_ORDER ?? 'peer-first') !== 'tierflow-first';
/** BENCH_PEER_SKIP_TIERFLOW=1: the peer alone (for tuning it); no ratio then */
const SKIP_TIERFLOW = process.env.BENCH_PEER_SKIP_TIERFLOW === '1';
/** the peer's tuning (see README.md); passed through to the JVM */
const PEER_TUNING = {
  PEER_THREADS: process.env.BENCH_PEER_THREADS ?? '2',
  PEER_COMMIT_MS: process.env.BENCH_PEER_COMMIT_MS ?? '1000',
  PEER_CACHE_MB: process.env.BENCH_PEER_CACHE_MB ?? '128',
  PEER_MAX_POLL_RECORDS: process.env.BENCH_PEER_MAX_POLL_RECORDS ?? '2000',
};
const ROCKSDB_MB = process.env.BENCH_PEER_ROCKSDB_MB ?? '256';
/** extra JVM options for the peer, space-separated (e.g. a flight recording) */
const JAVA_OPTS = (process.env.BENCH_PEER_JAVA_OPTS ?? '').split(' ').filter(Boolean);


const here = path.dirname(fileURLToPath(import.meta.url));
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const rate = (n: number, seconds: number) => Math.round(n / seconds);


/** CPU seconds of a process and of the stack's servers (Kafka, Redis, registry: shared with anyone else using the stack) */
const stack = stackPids(path.join(here, '../../.stack'));
const cpuNow = (pid: number | undefined) => ({
  process: cpuSeconds(pid),
  servers: Object.values(stack).reduce((a, p) => a + cpuSeconds(p), 0),
});
const cpuSince = (a: ReturnType<typeof cpuNow>, b: ReturnType<typeof cpuNow>) => ({
  processCpuSeconds: Number((b.process - a.process).toFixed(1)),
  serversCpuSeconds: Number((b.servers - a.servers).toFixed(1)),
});

// ---------------------------------------------------------------- build

function buildPeer(): string {
  const t0 = Date.now();
  const r = spawnSync('mvn', ['-q', '-B', 'package'], { cwd: here, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    log(`${r.stdout}${r.stderr}`);
    throw new Error(`mvn package failed (${r.status ?? r.signal})`);
  }
  log(`peer built with Maven in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return [path.join(here, 'target/classes'), path.join(here, 'target/lib/*')].join(path.delimiter);
}

// ---------------------------------------------------------------- the peer JVM

interface Jvm { child: ChildProcess; lines: string[]; exit: Promise<number | null>; exited: () => boolean; stop: () => Promise<void> }

function startJvm(mainClass: string, classpath: string, env: Record<string, string>, logFile: string): Jvm {
  const child = spawn('java', [
    `-Xmx${HEAP}`, `-Xms${HEAP}`,
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    `-Dpeer.rocksdb.mb=${ROCKSDB_MB}`,
    ...(mainClass.endsWith('PeerApp') ? JAVA_OPTS : []),
    '-cp', classpath, mainClass,
  ], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logStream = createWriteStream(logFile);
  child.stderr!.pipe(logStream);
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    logStream.write(`[stdout] ${line}\n`);
  });
  let code: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (c) => { code = c; resolve(c); }));
  process.once('exit', () => { if (code === undefined) child.kill('SIGKILL'); });
  return {
    child, lines, exit,
    exited: () => code !== undefined,
    stop: async () => {
      if (code !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Committed offsets of a group on a topic, against the topic's end: [committed, end]. */
async function groupProgress(admin: ReturnType<Kafka['admin']>, groupId: string, topic: string): Promise<[number, number]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let done = 0, end = 0;
  for (const o of ends) {
    end += Number(o.high);
    done += Math.max(0, at.get(o.partition) ?? 0);
  }
  return [done, end];
}

async function runPeer(kafka: Kafka, classpath: string, env: Record<string, string>, runDir: string, input: string) {
  const groupId = env.PEER_APPLICATION_ID!;
  const spawnedAt = Date.now();
  const jvm = startJvm('dev.tierflow.benchpeer.PeerApp', classpath, env, path.join(runDir, 'peer.log'));
  const admin = kafka.admin();
  await admin.connect();
  let runningAt = 0, firstCommitAt = 0, doneAt = 0, peakRss = 0;
  let cpuAtRunning = cpuNow(undefined), cpuAtDone = cpuAtRunning;
  try {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      if (jvm.exited()) throw new Error(`peer JVM exited early (${await jvm.exit}); see ${path.join(runDir, 'peer.log')}`);
      if (runningAt === 0) {
        const m = jvm.lines.map((l) => /^PEER-STATE RUNNING (\d+)$/.exec(l)).find(Boolean);
        if (m) {
          runningAt = Number(m[1]);
          cpuAtRunning = cpuNow(jvm.child.pid);
        }
      }
      const [committed, end] = await groupProgress(admin, groupId, input);
      if (committed > 0 && firstCommitAt === 0) firstCommitAt = Date.now();
      if (end > 0 && committed >= end && runningAt > 0) {
        doneAt = Date.now();
        cpuAtDone = cpuNow(jvm.child.pid);
        break;
      }
      if (Date.now() > deadline) throw new Error(`peer still ${end - committed} records behind after ${TIMEOUT_MS / 1000}s`);
      await sleep(250);
    }
    peakRss = peakRssMb(jvm.child.pid);
  } finally {
    await admin.disconnect();
    await jvm.stop();
  }
  const counters = JSON.parse(jvm.lines.find((l) => l.startsWith('PEER-COUNTERS '))?.slice(14) ?? '{}') as Record<string, number>;
  return {
    seconds: (doneAt - runningAt) / 1000,
    fromFirstCommitSeconds: (doneAt - firstCommitAt) / 1000,
    wallSeconds: (doneAt - spawnedAt) / 1000,
    startupSeconds: (runningAt - spawnedAt) / 1000,
    peakRssMb: peakRss,
    ...cpuSince(cpuAtRunning, cpuAtDone),
    counters,
  };
}

async function runCeiling(classpath: string, env: Record<string, string>, runDir: string) {
  const jvm = startJvm('dev.tierflow.benchpeer.DecodeCeiling', classpath, { ...env, PEER_EXPECT: String(TOTAL) }, path.join(runDir, 'ceiling.log'));
  const timer = setTimeout(() => jvm.child.kill('SIGKILL'), TIMEOUT_MS);
  const code = await jvm.exit;
  clearTimeout(timer);
  const m = jvm.lines.map((l) => /^PEER-CEILING (\d+) (\d+)/.exec(l)).find(Boolean);
  if (code !== 0 || !m) throw new Error(`decode ceiling failed (${code}); see ${path.join(runDir, 'ceiling.log')}`);
  return { records: Number(m[1]), seconds: Number(m[2]) / 1000 };
}

// ---------------------------------------------------------------- tierflow

async function runTierflow(kafka: Kafka, redis: Redis, f: Awaited<ReturnType<typeof pipelineFixture>>) {
  const spawnedAt = Date.now();
  const service = await startService('aggregator', f.envFor('aggregator'));
  try {
    await service.ready();
    const start = Date.now();
    const cpuAtStart = cpuNow(service.child.pid);
    await waitApplied(redis, f, kafka, TIMEOUT_MS);
    const doneAt = Date.now();
    const cpu = cpuSince(cpuAtStart, cpuNow(service.child.pid));
    const peakRss = peakRssMb(service.child.pid);
    const metrics = await fetch(`http://127.0.0.1:${service.port}/metrics`).then((r) => r.text(), () => '');
    const pick = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    return {
      seconds: (doneAt - start) / 1000,
      wallSeconds: (doneAt - spawnedAt) / 1000,
      peakRssMb: peakRss,
      ...cpu,
      applied: pick('tierflow_aggregator_applied_total'),
      aggregatesEmitted: pick('tierflow_aggregator_aggregates_emitted_total'),
    };
  } finally {
    await service.stop();
  }
}

// ---------------------------------------------------------------- main

const classpath = buildPeer();
const kafka = testKafka();
const connection = connectionConfig();
const redis = new Redis(connection.redisUrl);
const f = await pipelineFixture(kafka);
const applicationId = `bench-peer-${f.suffix}`;
const peerOutputTopic = `bench-peer.customer-totals-${f.suffix}`;
const readerGroup = `bench-peer-reader-${f.suffix}`;
const runDir = path.join(here, 'target/runs', f.suffix);
mkdirSync(runDir, { recursive: true });
let exitCode = 1;
try {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: peerOutputTopic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
  });
  await admin.disconnect();

  log(`load average at start: ${load()} (${os.cpus().length} cores)`);
  log(`producing ${TOTAL} transactions over ${CUSTOMERS} customers to ${f.topics.transactions}...`);
  const events = generateTransactions({ count: TOTAL, customers: CUSTOMERS, startMs: Date.UTC(2025, 0, 1), days: 180, seed: 7 });
  const t0 = Date.now();
  await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)), 20_000);
  log(`produced in ${((Date.now() - t0) / 1000).toFixed(1)}s; ${await topicEnd(kafka, f.topics.transactions)} records`);

  const peerEnv = {
    PEER_BOOTSTRAP: connection.kafkaBrokers.join(','),
    PEER_REGISTRY_URL: connection.registryUrl,
    PEER_INPUT_TOPIC: f.topics.transactions,
    PEER_OUTPUT_TOPIC: peerOutputTopic,
    PEER_APPLICATION_ID: applicationId,
    PEER_STATE_DIR: path.join(runDir, 'state'),
    ...PEER_TUNING,
  };
  const peerStep = async () => {
    log(`peer: Kafka Streams exactly_once_v2, ${JSON.stringify(PEER_TUNING)}, heap ${HEAP}, RocksDB ${ROCKSDB_MB} MB...`);
    const r = await runPeer(kafka, classpath, peerEnv, runDir, f.topics.transactions);
    log(`peer: ${TOTAL} in ${r.seconds.toFixed(1)}s from RUNNING = ${rate(TOTAL, r.seconds)}/s ` +
      `(from its first committed offset ${r.fromFirstCommitSeconds.toFixed(1)}s = ${rate(TOTAL, r.fromFirstCommitSeconds)}/s; ` +
      `wall with JVM start ${r.wallSeconds.toFixed(1)}s = ${rate(TOTAL, r.wallSeconds)}/s, start to RUNNING ${r.startupSeconds.toFixed(1)}s); ` +
      `CPU ${r.processCpuSeconds}s (stack servers ${r.serversCpuSeconds}s); peak RSS ${r.peakRssMb} MB; counters ${JSON.stringify(r.counters)}; load ${load()}`);
    return r;
  };
  const tierflowStep = async () => {
    log('tierflow: the aggregator service (exactly-once path)...');
    const r = await runTierflow(kafka, redis, f);
    log(`tierflow: ${TOTAL} in ${r.seconds.toFixed(1)}s from ready = ${rate(TOTAL, r.seconds)}/s ` +
      `(wall with process start ${r.wallSeconds.toFixed(1)}s = ${rate(TOTAL, r.wallSeconds)}/s); applied ${r.applied}, ` +
      `aggregates emitted ${r.aggregatesEmitted}; CPU ${r.processCpuSeconds}s (stack servers ${r.serversCpuSeconds}s); peak RSS ${r.peakRssMb} MB; load ${load()}`);
    return r;
  };
  let peer, tierflow;
  if (SKIP_TIERFLOW) peer = await peerStep();
  else if (PEER_FIRST) { peer = await peerStep(); tierflow = await tierflowStep(); }
  else { tierflow = await tierflowStep(); peer = await peerStep(); }

  let ceiling: { records: number; seconds: number } | undefined;
  if (CEILING) {
    ceiling = await runCeiling(classpath, peerEnv, runDir);
    log(`ceiling: the JVM decoding only (plain KafkaConsumer, no state, no transactions): ${ceiling.records} in ` +
      `${ceiling.seconds.toFixed(1)}s = ${rate(ceiling.records, ceiling.seconds)}/s`);
  }

  log(`checking ${SAMPLE} sampled customers against a plain sum over the generated transactions...`);
  const { sample, distinct } = sampleCustomers(events, SAMPLE);
  const expected = expectedTotals(events, sample);
  const out = await peerOutput(kafka, peerOutputTopic, sample, readerGroup, TIMEOUT_MS);
  log(`peer: sent ${peer.counters.output} output records; its output topic holds ${out.records} of them (the log cleaner compacts ` +
    `it as it goes) for ${out.distinctKeys} customers`);
  let peerCorrect = compare('peer', expected, out.latest, log);
  if (out.distinctKeys !== distinct) {
    log(`peer: its output holds ${out.distinctKeys} customers, the input ${distinct}`);
    peerCorrect = false;
  }
  let tierflowCorrect: boolean | null = null;
  if (tierflow) {
    const stored = await readCustomers(redis, f.prefix, sample);
    tierflowCorrect = compare('tierflow', expected, new Map(sample.map((id) => {
      const c = stored.get(id);
      return [id, c && { revenue: c.revenueMinor, cost: c.costMinor, count: c.txCount, rev30: c.currentRevenueMinor, rev90: c.rankingRevenueMinor }];
    })), log);
  }

  const peerTxPerSec = rate(TOTAL, peer.seconds);
  const tierflowTxPerSec = tierflow ? rate(TOTAL, tierflow.seconds) : null;
  const ratio = tierflowTxPerSec === null ? null : Number((tierflowTxPerSec / peerTxPerSec).toFixed(3));
  log(`tierflow / peer: ${ratio ?? '(tierflow skipped)'}; load average at end: ${load()}`);
  console.log(JSON.stringify({
    transactions: TOTAL,
    customers: CUSTOMERS,
    peerTxPerSec,
    tierflowTxPerSec,
    ratio,
    peerWallTxPerSec: rate(TOTAL, peer.wallSeconds),
    peerCeilingTxPerSec: ceiling ? rate(ceiling.records, ceiling.seconds) : null,
    peerOutputRecords: peer.counters.output ?? null,
    tierflowOutputRecords: tierflow?.aggregatesEmitted ?? null,
    peerCpuSeconds: peer.processCpuSeconds,
    tierflowCpuSeconds: tierflow?.processCpuSeconds ?? null,
    peerPeakRssMb: peer.peakRssMb,
    tierflowPeakRssMb: tierflow?.peakRssMb ?? null,
    loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    peerCorrect,
    tierflowCorrect,
  }));
  exitCode = peerCorrect && tierflowCorrect !== false ? 0 : 1;
} finally {
  if (process.env.BENCH_PEER_KEEP === '1') {
    log(`BENCH_PEER_KEEP=1: kept the topics (*${f.suffix}*), groups and Redis prefix ${f.prefix}`);
    process.exit(exitCode);
  }
  const admin = kafka.admin();
  await admin.connect();
  const internal = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`));
  // the repartition group exists only with REPARTITION_MODE=hop
  const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
  for (const group of [applicationId, readerGroup, aggregatorGroup(f.suffix), repartitionGroup(f.suffix)].filter((g) => existing.has(g))) {
    await admin.deleteGroups([group]).catch((e: Error) => log(`consumer group ${group} not deleted: ${e.message}`));
  }
  await admin.disconnect();
  await deleteTopics(kafka, [...Object.values(f.topics), peerOutputTopic, ...internal]);
  await dropPrefix(redis, f.prefix);
  redis.disconnect();
  rmSync(path.join(runDir, 'state'), { recursive: true, force: true });
}
process.exit(exitCode);
