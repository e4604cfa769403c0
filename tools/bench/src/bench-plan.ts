/**
 * npm run bench:plan: the aggregator's pure planning alone (classifyBatch + applyClassified of
 * shared/domain/src/windows), no Kafka, no Redis: one shard's share of the bench:aggregate
 * transactions in apply steps, with the day sets and customers held in memory as the partition
 * cache holds them. Prints µs per transaction; BENCH_PROFILE=1 runs it under the inspector's
 * CPU profiler and prints where the time went.
 */
import { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
import { applyClassified, classifyBatch, fieldsToRead, loadedFrom, type Loaded, type PartitionMeta, type WindowParams } from '@tierflow/domain/windows/batch-plan';
import { generateTransactions } from '@tierflow/testkit/transaction-fixtures';
import { prepareEvent } from '@tierflow/domain/windows/prepare-event';

const TOTAL = Number(process.env.BENCH_TRANSACTIONS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const STEP = Number(process.env.APPLY_STEP_EVENTS ?? 20_000);
const SHARDS = 6;

const events = generateTransactions({ count: TOTAL, customers: CUSTOMERS, startMs: Date.UTC(2025, 0, 1), days: 180, seed: 7 })
  .filter((e) => partitionOfKey(e.customerId, SHARDS) === 0);
const w: WindowParams = { currentDays: 30, rankingDays: 90, latenessMs: 48 * 3_600_000, genDays: 15, horizonDays: 45, clockMs: 0 };

function run(): number {
  let meta: PartitionMeta = { applied: -1, maxEvent: -1, endDay: -1, txGen: -1, txLow: -1 };
  const customers = new Map<string, Loaded>();
  const days = new Map<number, string[]>();
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += STEP) {
    const prepared = events.slice(i, i + STEP).map((e, j) => prepareEvent(String(i + j), e));
    const c = classifyBatch(meta, prepared, new Map(), w);
    const members = new Map<number, string[]>();
    for (const d of new Set([...c.shiftDays, ...c.dropDays])) members.set(d, days.get(d) ?? []);
    for (const [id] of fieldsToRead(c, members)) if (!customers.has(id)) customers.set(id, loadedFrom(new Map([['s', null]])));
    const out = applyClassified(meta, c, customers, members, w, { field: 'off', last: i + prepared.length - 1 });
    for (const d of c.dropDays) days.delete(d);
    for (const [d, ids] of out.dayAdds) {
      const list = days.get(d);
      if (list) list.push(...ids);
      else days.set(d, [...ids]);
    }
    meta = out.meta;
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / events.length;
}

run(); // warm-up
const us = run();
console.log(JSON.stringify({ transactions: events.length, stepEvents: STEP, microsPerTransaction: Number(us.toFixed(2)), perSecond: Math.round(1e6 / us) }));
