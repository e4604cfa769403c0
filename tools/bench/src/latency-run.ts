import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { Partitioners, type Kafka } from 'kafkajs';
import avro from 'avsc';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { dropPrefix, pipelineFixture, toMessage, waitApplied } from '@tierflow/testkit/aggregator-harness';
import { deleteTopics, produce } from '@tierflow/testkit/kafka-io';
import { waitRanked } from '@tierflow/testkit/pipeline-harness';
import type { ServiceProcess } from '@tierflow/testkit/service-process';
import { prng } from '@tierflow/testkit/transaction-fixtures';
import { stackLayout } from '@tierflow/cli/stack/stack-layout';
import { cpuMeter, stackPids } from './process-cpu';
import { serviceDlqTopics } from './service-dlq-topics';

/** the longest backlog a latency run waits out (and counts): well over any run's length */
const MAX_BACKLOG_MS = 900_000;

type Fixture = Awaited<ReturnType<typeof pipelineFixture>>;

/** What one latency run needs: the clients, the load, and how to start the pipeline on a fixture. */
export interface LatencyRunParams {
  kafka: Kafka;
  redis: Redis;
  /** transactions per second of the steady load */
  rate: number;
  /** measured seconds, after `rampSeconds` of the same load */
  seconds: number;
  rampSeconds: number;
  /** customers of the run; the load picks them with a strong skew (a few big accounts) */
  liveCustomers: number;
  startPipeline: (f: Fixture, extra: Record<string, string>, profile: boolean, dir?: string) => Promise<ServiceProcess[]>;
  log: (msg: string) => void;
}

export interface LatencyResult {
  rate: number;
  p50: number;
  p99: number;
  max: number;
  samples: number;
  warmupSeconds: number;
  warmupEvents: number;
}

/** How many AOF rewrites the stack's Redis has started since it started (finished ones, plus one running). */
async function aofRewrites(redis: Redis): Promise<number> {
  const info = await redis.info('persistence');
  const finished = Number(/^aof_rewrites:(\d+)/m.exec(info)?.[1] ?? NaN);
  const running = /^aof_rewrite_in_progress:1/m.test(info) ? 1 : 0;
  return finished + running;
}


/**
 * Latency at a steady RATE/s, with occurredAt = produce time; latency = tier change seen - that
 * time. "Steady" means a running system: first a warm-up gives every customer of the run its
 * history (3 transactions each over the last 6 hours) and waits until the pipeline has
 * ranked all of it; then the measured minute starts. Only tier changes caused by transactions of
 * the measured minute count. The warm-up's own figures (a cold start: every customer new, the
 * tier boundaries moving all the time) are reported beside it.
 */
export async function latencyRun(params: LatencyRunParams): Promise<LatencyResult> {
  const { kafka: k, redis, rate, seconds, rampSeconds, liveCustomers, startPipeline, log } = params;
  const f = await pipelineFixture(k);
  // BENCH_PROFILE_LATENCY=<dir>: CPU profiles of both services during the latency run
  const latencyProfile = process.env.BENCH_PROFILE_LATENCY;
  const services = await startPipeline(f, { TIME_MODE: 'live' }, latencyProfile !== undefined, latencyProfile);
  // the measuring consumer reads only the fields it needs: Avro schema resolution skips the
  // rest without building them (it shares the 2 cores with the pipeline it measures)
  const projection = (schema: { fields: Array<{ name: string }> }, keep: string[]) =>
    avro.Type.forSchema({ ...schema, fields: schema.fields.filter((x) => keep.includes(x.name)) } as avro.Schema);
  const aggType = projection(JSON.parse(await readSchemaFile('CustomerAggregate.avsc')), ['eventId', 'eventTime', 'lastActivityAt']);
  const tierType = projection(JSON.parse(await readSchemaFile('TierChange.avsc')), ['causeEventId']);
  const rnd = prng(21);

  const lastActivity = new Map<string, { lastActivityAt: number; eventTime: number }>();
  const latencies: number[] = [];
  /** latencies by the second of the measured minute their transaction was produced in */
  const bySecond: number[][] = [];
  /** produce -> CustomerAggregate seen: the aggregator's share of the latency */
  const aggLatencies: number[] = [];
  const pending: { cause: string; seenAt: number }[] = [];
  /** by second since the load started (ramp included): tier-change and aggregate latencies */
  const timeline: { tier: number[]; agg: number[] }[] = [];
  const at = (produced: number) => (timeline[Math.floor((produced - loadStart) / 1000)] ??= { tier: [], agg: [] });
  let steadyStart = Number.POSITIVE_INFINITY;
  let loadStart = Number.POSITIVE_INFINITY;
  /** latencies of the ramp's transactions (reported, not counted) */
  const rampLatencies: number[] = [];
  const consumer = k.consumer({ groupId: `bench-latency-${randomUUID()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [f.topics.aggregates, f.topics.tierChanges], fromBeginning: true });
  // an aggregate made by a transaction is applied right after it arrives; one made by a window
  // tick (the live end day moving on at UTC midnight) names a customer's last activity from long
  // before. The bound is wider than any backlog a run can build, so a pipeline slower than the
  // load still has every one of its latencies counted (a 5 s bound dropped them all at 20,000/s)
  const fromTransaction = (a: { lastActivityAt: number; eventTime: number }) => a.eventTime - a.lastActivityAt < MAX_BACKLOG_MS;
  const measure = (cause: string, seenAt: number) => {
    const a = lastActivity.get(cause);
    if (!a) return false;
    // only changes caused by the measured minute's transactions (not by the warm-up, not by a window tick)
    if (a.lastActivityAt >= loadStart && fromTransaction(a)) at(a.lastActivityAt).tier.push(seenAt - a.lastActivityAt);
    if (a.lastActivityAt >= loadStart && a.lastActivityAt < steadyStart && fromTransaction(a)) {
      rampLatencies.push(seenAt - a.lastActivityAt);
    }
    if (a.lastActivityAt >= steadyStart && fromTransaction(a)) {
      latencies.push(seenAt - a.lastActivityAt);
      const second = Math.floor((a.lastActivityAt - steadyStart) / 1000);
      (bySecond[second] ??= []).push(seenAt - a.lastActivityAt);
    }
    return true;
  };
  // eachBatch: the measuring consumer shares the 2 cores with the pipeline, so it should take as
  // little of them as it can
  const decodeWith = (value: Buffer | null, reader: avro.Type) => f.codec.decode(value, reader);
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const seenAt = Date.now();
      const isAggregate = batch.topic === f.topics.aggregates;
      for (const message of batch.messages) {
        if (isAggregate) {
          const a = (await decodeWith(message.value, aggType)) as { eventId: string; lastActivityAt: number; eventTime: number };
          lastActivity.set(a.eventId, { lastActivityAt: a.lastActivityAt, eventTime: a.eventTime });
          if (a.lastActivityAt >= steadyStart && fromTransaction(a)) aggLatencies.push(seenAt - a.lastActivityAt);
          if (a.lastActivityAt >= loadStart && fromTransaction(a)) at(a.lastActivityAt).agg.push(seenAt - a.lastActivityAt);
        } else {
          const t = (await decodeWith(message.value, tierType)) as { causeEventId: string };
          if (!measure(t.causeEventId, seenAt)) pending.push({ cause: t.causeEventId, seenAt });
        }
      }
    },
  });
  const warmStarted = Date.now();
  const warm = [];
  for (let i = 0; i < 3 * liveCustomers; i++) {
    warm.push({
      transactionId: `warm-${i}`, customerId: `L${i % liveCustomers}`, occurredAt: warmStarted - Math.floor(rnd() * 6 * 3_600_000),
      kind: 'CHARGE' as const, amountMinor: Math.floor(100 * Math.exp(rnd() * 8)), costMinor: 50, currency: 'USD', product: null,
    });
  }
  await produce(k, f.topics.transactions, warm.map((e) => toMessage(f.codec, f.txSchemaId, e)), 5_000);
  await waitApplied(redis, f, k, 900_000);
  await waitRanked(redis, f.prefix, f.topics.aggregates, k, 900_000);
  const warmupSeconds = (Date.now() - warmStarted) / 1000 - 2; // waitRanked confirms over 4 polls of 0.5 s
  log(`latency run warm-up: ${warm.length} transactions of ${liveCustomers} customers ranked in ${warmupSeconds.toFixed(1)}s`);

  await new Promise((r) => setTimeout(r, 2_000)); // the measuring consumer reads the warm-up's output meanwhile
  const producer = k.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const tickMs = 50;
  const perTick = Math.round((rate * tickMs) / 1000);
  // the load runs rampSeconds at rate before the measured seconds start: the first seconds of a
  // new load (a fresh producer connection, code paths not yet optimised, fetch sessions settling)
  // are the load generator's start, not the pipeline's steady state
  const ticks = Math.round(((rampSeconds + seconds) * 1000) / tickMs);
  // CPU of every process on the machine's 2 cores during the measured minute (the pipeline's
  // headroom is what keeps its tail short)
  const meter = cpuMeter({
    ...Object.fromEntries(services.map((s) => [s.name, s.child.pid])),
    bench: process.pid,
    ...stackPids(stackLayout().root),
  });
  let metering = false;
  /** each service's event-loop delay (p99, max) since the last scrape of its /metrics */
  const serviceLoopLag = () =>
    Promise.all(
      services.map(async (svc) => {
        const text = await (await fetch(`http://127.0.0.1:${svc.port}/metrics`)).text();
        const read = (m: string) => Math.round(1000 * Number(new RegExp(`^\\S*eventloop_lag_${m}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN));
        return { name: svc.name, p99: read('p99'), max: read('max') };
      }),
    );
  // the bench's own event-loop delay: a stall here delays what the measuring consumer sees, and
  // would show as pipeline latency
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const started = Date.now();
  loadStart = started;
  steadyStart = started + rampSeconds * 1000;
  let sent = 0;
  // Redis's AOF rewrites (a fork: Redis answers slowly while its child lives) counted over the
  // measured minute; BENCH_AOF_REWRITE_AT=<s> forces one at second s of it, to measure that case
  let rewriteAt = process.env.BENCH_AOF_REWRITE_AT === undefined ? NaN : steadyStart + 1000 * Number(process.env.BENCH_AOF_REWRITE_AT);
  let rewritesBefore = NaN;
  for (let i = 0; i < ticks; i++) {
    const now = Date.now();
    if (!metering && now >= steadyStart) {
      meter.start();
      loopDelay.enable();
      void serviceLoopLag(); // prom-client resets its event-loop histogram on each scrape
      void aofRewrites(redis).then((n) => (rewritesBefore = n));
      metering = true;
    }
    if (now >= rewriteAt) {
      void redis.bgrewriteaof().then(() => log(`forced an AOF rewrite at second ${Math.round((now - steadyStart) / 1000)} of the measured minute`));
      rewriteAt = NaN;
    }
    const messages = [];
    for (let j = 0; j < perTick; j++) {
      const customer = Math.floor(liveCustomers * Math.pow(rnd(), 3));
      const e = {
        transactionId: `lat-${i}-${j}`, customerId: `L${customer}`, occurredAt: now, kind: 'CHARGE' as const,
        amountMinor: 100 + Math.floor(rnd() * 20_000), costMinor: 50, currency: 'USD', product: null,
      };
      messages.push(toMessage(f.codec, f.txSchemaId, e));
    }
    await producer.send({ topic: f.topics.transactions, messages });
    sent += messages.length;
    const next = started + (i + 1) * tickMs;
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const cpu = meter.stop();
  loopDelay.disable();
  log(`Redis AOF rewrites started in the measured minute: ${(await aofRewrites(redis)) - rewritesBefore} (its log: .stack/logs/redis.log)`);
  const lag = await serviceLoopLag();
  log(`services' event-loop delay in the measured minute: ${lag.map((x) => `${x.name} p99 ${x.p99} ms, max ${x.max} ms`).join('; ')}`);
  log(`bench event-loop delay in the measured minute: p99 ${Math.round(loopDelay.percentile(99) / 1e6)} ms, max ${Math.round(loopDelay.max / 1e6)} ms`);
  log(`latency run: sent ${sent} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const cpuTotal = Object.values(cpu).reduce((a, b) => a + b, 0);
  log(`CPU in the measured minute, % of one core: ${Object.entries(cpu).map(([n, v]) => `${n} ${v}`).join(', ')}; all ${cpuTotal} of ${100 * availableParallelism()}`);
  // a pipeline slower than the load is still working through it: every transaction of the run
  // is waited for, so the tail is measured, not cut off when the load stops
  const drained = Date.now();
  await waitApplied(redis, f, k, MAX_BACKLOG_MS);
  await waitRanked(redis, f.prefix, f.topics.aggregates, k, MAX_BACKLOG_MS);
  log(`latency run: the pipeline was through ${((Date.now() - drained) / 1000).toFixed(1)}s after the load stopped`);
  await new Promise((r) => setTimeout(r, 3_000));
  for (const p of pending) measure(p.cause, p.seenAt);
  await producer.disconnect();
  await consumer.disconnect();
  for (const s of services) await s.stop();
  await deleteTopics(k, [...Object.values(f.topics), ...Object.values(serviceDlqTopics(f.suffix))]);
  await dropPrefix(redis, f.prefix);
  latencies.sort((a, b) => a - b);
  aggLatencies.sort((a, b) => a - b);
  const q = (p: number, xs = latencies) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
  // the tail over time: steady queueing shows in every second, a stall in a few
  const perSecond = bySecond.map((xs, second) => {
    xs.sort((a, b) => a - b);
    return { second, p99: q(0.99, xs), n: xs.length };
  });
  const worst = [...perSecond].filter(Boolean).sort((a, b) => b.p99 - a.p99).slice(0, 8);
  log(`latency p99 by second of production, worst 8: ${worst.map((w) => `s${w.second}:${w.p99}ms`).join(' ')}`);
  // BENCH_TIMELINE=1: p99 of the aggregate and of the tier change, second by second from the
  // start of the load (the ramp's seconds first), to see which service a stall comes from
  if (process.env.BENCH_TIMELINE === '1') {
    const p99 = (xs: number[]) => q(0.99, xs.sort((a, b) => a - b));
    log(`timeline, p99 ms by second since the load started (aggregate/tier change): ${timeline.map((x, i) => (x ? `${i}:${p99(x.agg)}/${p99(x.tier)}` : `${i}:-`)).join(' ')}`);
  }
  rampLatencies.sort((a, b) => a - b);
  log(`ramp (first ${rampSeconds} s of the load, not counted): p50 ${q(0.5, rampLatencies)} ms, p99 ${q(0.99, rampLatencies)} ms, max ${rampLatencies[rampLatencies.length - 1]} ms`);
  log(`${rate}/s: seconds with p99 over 250 ms: ${perSecond.filter((x) => x && x.p99 > 250).length} of ${perSecond.filter(Boolean).length}`);
  log(`latency to the aggregate (aggregator's share): p50 ${q(0.5, aggLatencies)} ms, p99 ${q(0.99, aggLatencies)} ms (${aggLatencies.length} aggregates)`);
  return { rate, p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] ?? NaN, samples: latencies.length, warmupSeconds, warmupEvents: warm.length };
}

