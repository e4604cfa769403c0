/**
 * How noisy are tier changes? Runs the ranker's own engine (in process, no servers) over the
 * simulator's stream and over CDNOW with a 90-day ranking window (day buckets, expiry at each
 * new day of event time, as the aggregator does), for several hysteresis settings, and counts
 * published-tier changes per customer per month (customers ranked x months of data; first
 * classifications apart). Prints a
 * Markdown table for docs/decisions.md.
 *
 *   npx tsx tools/bench/src/tier-noise.ts [--customers 2000] [--days 180] [--cdnow PATH]
 */
import { readFileSync } from 'node:fs';
import { CdnowParser, isSkip } from '@tierflow/cli/replay/cdnow-parser';
import { createPopulation } from '@tierflow/cli/simulate/telecom-population';
import { DAY_MS, TelecomStream } from '@tierflow/cli/simulate/telecom-stream';
import { TierEngine } from '@tierflow/domain/ranking/tier-engine';
import type { TierRules } from '@tierflow/domain/ranking/tier-rules';

interface Sale { customerId: string; at: number; revenue: number }

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
};

function simulatorSales(customers: number, days: number): Sale[] {
  const today = Math.floor(Date.UTC(2026, 0, 1) / DAY_MS) + days;
  const accounts = createPopulation({ seed: 7, customers, startDay: today - days, endDay: today });
  const stream = new TelecomStream({ seed: 7, accounts });
  const out: Sale[] = [];
  for (let d = today - days; d < today; d++) {
    for (const e of stream.day(d)) {
      const r = e.kind === 'CHARGE' ? e.amountMinor : e.kind === 'REFUND' ? -e.amountMinor : e.kind === 'ADJUSTMENT' ? e.amountMinor : 0;
      if (r !== 0) out.push({ customerId: e.customerId, at: e.occurredAt, revenue: r });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function cdnowSales(file: string): Sale[] {
  const p = new CdnowParser();
  const out: Sale[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const e = p.parse(line);
    if (e && !isSkip(e)) out.push({ customerId: e.customerId, at: e.occurredAt, revenue: e.amountMinor });
  }
  return out.sort((a, b) => a.at - b.at);
}

interface Result { moves: number; firsts: number; customerMonths: number; flappers: number; maxInMonth: number }

/** The sales through the engine with a 90-day window; counts changes per customer and month. */
function run(sales: Sale[], rules: TierRules, windowDays = 90): Result {
  const engine = new TierEngine({ rules, configVersion: 'noise', regions: false });
  const sum = new Map<string, number>();
  const seq = new Map<string, number>();
  const expiring = new Map<number, Array<[string, number]>>();
  const perMonth = new Map<string, number>();
  let moves = 0;
  let firsts = 0;
  let day = -1;
  const apply = (customerId: string, at: number) => {
    const s = (seq.get(customerId) ?? 0) + 1;
    seq.set(customerId, s);
    const changes = engine.apply({ customerId, seq: s, eventTime: at, basis: sum.get(customerId) ?? 0, causeEventId: `${customerId}:${s}` }) ?? [];
    const month = new Date(at).toISOString().slice(0, 7);
    for (const c of changes) {
      if (c.reason === 'SCOPE_JOIN') { firsts++; continue; }
      moves++;
      const k = `${c.customerId}|${month}`;
      perMonth.set(k, (perMonth.get(k) ?? 0) + 1);
    }
  };
  for (const sale of sales) {
    const d = Math.floor(sale.at / DAY_MS);
    for (let x = day + 1; day >= 0 && x <= d; x++) {
      for (const [id, amount] of expiring.get(x) ?? []) {
        sum.set(id, (sum.get(id) ?? 0) - amount);
        apply(id, x * DAY_MS);
      }
      expiring.delete(x);
    }
    day = d;
    sum.set(sale.customerId, (sum.get(sale.customerId) ?? 0) + sale.revenue);
    const list = expiring.get(d + windowDays) ?? [];
    list.push([sale.customerId, sale.revenue]);
    expiring.set(d + windowDays, list);
    apply(sale.customerId, sale.at);
  }
  let flappers = 0;
  let maxInMonth = 0;
  for (const n of perMonth.values()) {
    if (n >= 2) flappers++;
    maxInMonth = Math.max(maxInMonth, n);
  }
  const months = sales.length > 1 ? ((sales.at(-1) as Sale).at - (sales[0] as Sale).at) / (30.44 * DAY_MS) : 1;
  return { moves, firsts, customerMonths: seq.size * Math.max(1, months), flappers, maxInMonth };
}

const settings: Array<[number, number]> = [[0, 0], [0.01, 0], [0.02, 0], [0.05, 0], [0, DAY_MS], [0, 7 * DAY_MS], [0.02, DAY_MS], [0.02, 7 * DAY_MS], [0.05, 7 * DAY_MS]];
const data: Array<[string, Sale[]]> = [[`simulator (${arg('customers', '2000')} customers, ${arg('days', '180')} days)`, simulatorSales(Number(arg('customers', '2000')), Number(arg('days', '180')))]];
const cdnow = arg('cdnow', '/work/shared/data/cdnow/CDNOW_master.txt');
try { data.push(['CDNOW (23,570 customers, 18 months)', cdnowSales(cdnow)]); } catch { process.stderr.write(`no CDNOW file at ${cdnow}\n`); }

process.stdout.write('| data | margin | min dwell | moves | per customer-month | customer-months with 2+ moves | max in one month | first classifications |\n|---|---:|---:|---:|---:|---:|---:|---:|\n');
for (const [name, sales] of data) {
  for (const [margin, dwell] of settings) {
    const r = run(sales, { mode: 'share', thresholdA: 0.8, thresholdB: 0.95, margin, minDwellMs: dwell });
    process.stdout.write(`| ${name} (${sales.length} sales) | ${margin} | ${dwell / DAY_MS} d | ${r.moves} | ${(r.moves / r.customerMonths).toFixed(3)} | ${r.flappers} | ${r.maxInMonth} | ${r.firsts} |\n`);
  }
}
