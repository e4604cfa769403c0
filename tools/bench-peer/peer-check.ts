/**
 * bench:peer's independent check: plain sums over the generated transactions (no tierflow or
 * peer code), the peer's latest output per key, and the comparison. See bench-peer.ts.
 */
import type { Kafka } from 'kafkajs';
import { PARTITIONS, partitionOfKey, type FixtureEvent } from './deps';

export interface Totals { revenue: number; cost: number; count: number; rev30: number; rev90: number }

const DAY = 86_400_000;
const SHORT_DAYS = 30;
const LONG_DAYS = 90;
/** an event older than its partition's newest minus this counts in lifetime totals only */
const GRACE_MS = 48 * 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Every (ids / size)-th customer of the sorted distinct ids (the heaviest, C000000..., included). */
export function sampleCustomers(events: FixtureEvent[], size: number): { sample: string[]; distinct: number } {
  const ids = [...new Set(events.map((e) => e.customerId))].sort();
  const step = Math.max(1, ids.length / size);
  const sample = new Set<string>();
  for (let i = 0; i < ids.length && sample.size < size; i += step) sample.add(ids[Math.floor(i)]!);
  return { sample: [...sample], distinct: ids.length };
}

/** Plain sums over the generated transactions, in the order they were produced. */
export function expectedTotals(events: FixtureEvent[], sample: string[]): Map<string, Totals> {
  const wanted = new Set(sample);
  const newest = new Map<number, number>(); // partition -> newest occurredAt so far
  const partitionOf = new Map<string, number>();
  const sums = new Map<string, { revenue: number; cost: number; count: number; days: [number, number][] }>();
  for (const e of events) {
    let p = partitionOf.get(e.customerId);
    if (p === undefined) partitionOf.set(e.customerId, (p = partitionOfKey(e.customerId, PARTITIONS)));
    const max = Math.max(newest.get(p) ?? -Infinity, e.occurredAt);
    newest.set(p, max);
    if (!wanted.has(e.customerId)) continue;
    const sign = e.kind === 'REFUND' ? -1 : 1;
    const revenue = e.kind === 'PAYMENT' ? 0 : sign * e.amountMinor;
    const cost = e.kind === 'PAYMENT' ? 0 : sign * e.costMinor;
    const s = sums.get(e.customerId) ?? { revenue: 0, cost: 0, count: 0, days: [] };
    s.revenue += revenue;
    s.cost += cost;
    if (e.kind !== 'PAYMENT') {
      s.count += 1;
      if (e.occurredAt >= max - GRACE_MS) s.days.push([Math.floor(e.occurredAt / DAY), revenue]);
    }
    sums.set(e.customerId, s);
  }
  const out = new Map<string, Totals>();
  for (const [id, s] of sums) {
    const E = Math.floor(newest.get(partitionOf.get(id)!)! / DAY);
    const rev30 = s.days.filter(([d]) => d >= E - SHORT_DAYS + 1).reduce((a, [, r]) => a + r, 0);
    const rev90 = s.days.filter(([d]) => d >= E - LONG_DAYS + 1).reduce((a, [, r]) => a + r, 0);
    out.set(id, { revenue: s.revenue, cost: s.cost, count: s.count, rev30, rev90 });
  }
  return out;
}

/**
 * The peer's latest record per key on its output topic (read_committed), for the sampled keys,
 * and how many distinct keys the topic holds. Reads until every partition's high watermark
 * (transaction markers included, which kafkajs reports through its batch events).
 */
export async function peerOutput(kafka: Kafka, topic: string, sample: string[], groupId: string, timeoutMs: number) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  await admin.disconnect();
  const wanted = new Set(sample);
  const latest = new Map<string, Totals>();
  const keys = new Set<string>();
  let records = 0;
  const reached = new Map<number, number>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 64 * 1024 * 1024 });
  const finished = () => [...ends].every(([p, high]) => high === 0 || (reached.get(p) ?? -1) >= high - 1);
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => { resolveDone = r; });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    reached.set(payload.partition, Math.max(reached.get(payload.partition) ?? -1, Number(payload.lastOffset)));
    if (finished()) resolveDone();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      records += batch.messages.length;
      for (const m of batch.messages) {
        const id = m.key!.toString();
        keys.add(id);
        if (!wanted.has(id)) continue;
        const v = m.value!;
        latest.set(id, {
          revenue: Number(v.readBigInt64BE(0)),
          cost: Number(v.readBigInt64BE(8)),
          count: Number(v.readBigInt64BE(16)),
          rev30: Number(v.readBigInt64BE(24)),
          rev90: Number(v.readBigInt64BE(32)),
        });
      }
    },
  });
  if (finished()) resolveDone();
  const timeout = sleep(timeoutMs).then(() => { throw new Error(`reading ${topic}: timed out`); });
  try {
    await Promise.race([done, timeout]);
  } finally {
    await consumer.disconnect();
  }
  return { latest, distinctKeys: keys.size, records };
}

export function compare(name: string, expected: Map<string, Totals>, actual: Map<string, Totals | undefined>, log: (msg: string) => void): boolean {
  const bad: string[] = [];
  for (const [id, want] of expected) {
    const got = actual.get(id);
    const fields = (Object.keys(want) as (keyof Totals)[]).filter((k) => got?.[k] !== want[k]);
    if (fields.length > 0) bad.push(`${id}: ${fields.map((k) => `${k} ${got?.[k]} != ${want[k]}`).join(', ')}`);
  }
  if (bad.length > 0) log(`${name}: ${bad.length} of ${expected.size} sampled customers wrong, e.g.\n  ${bad.slice(0, 5).join('\n  ')}`);
  else log(`${name}: all ${expected.size} sampled customers right (revenue, cost, count, 30-day, 90-day)`);
  return bad.length === 0;
}
