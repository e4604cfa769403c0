import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerProfile, TransactionEvent } from '@tierflow/contracts/events/event-types';
import { BillingProducer } from '../../../tools/cli/src/billing-producer';
import { readCustomerRank } from '../../../shared/contracts/src/keyspace/ranker/rank-store-reader';
import { createReadModel } from '../../../shared/views/src/read-model';
import { PipelineHarness, repoRoot } from '../dashboard/pipeline-harness';
import { runCli } from './cli-process';

// A scripted month on the real aggregator and ranker: February sets the tiers, March moves
// them (one customer flaps down and back, one is new). `tierflow review --month 2026-03` must
// have one row per customer whose tier moved (net), agree with the cards, and the expected
// rows come from a plain sort here, not from the ranker's engine.
const h = new PipelineHarness();
let producer: BillingProducer;
const DAY = 86_400_000;
const FEB = Date.UTC(2026, 1, 10);
const MAR = Date.UTC(2026, 2, 1);
const ids = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9'];
const profile = (id: string, i: number): CustomerProfile => ({
  customerId: id, name: `Review Co ${id}`, address: null, phone: null, legalRepresentative: null, industry: 'retail',
  region: i % 2 === 0 ? 'north' : 'south', accountManager: `am.${i % 3}@example.com`, creditLimitMinor: null, creditTermDays: null, satisfactionScore: null, updatedAt: FEB,
});
let n = 0;
const tx = (customerId: string, at: number, amountMinor: number, kind: TransactionEvent['kind'] = 'CHARGE'): TransactionEvent => ({
  transactionId: `rv-${h.id}-${n++}`, customerId, occurredAt: at, kind, amountMinor, costMinor: 0, currency: 'USD', product: 'test',
});

// the plain oracle: sort by revenue (ties by id), A while the share before is below 80%, B below 95%
function tiers(revenue: Map<string, number>): Map<string, string> {
  const order = [...revenue.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = order.reduce((s, [, v]) => s + Math.max(0, v), 0);
  const out = new Map<string, string>();
  let before = 0;
  for (const [id, v] of order) {
    out.set(id, v <= 0 ? 'C' : before < 0.8 * total ? 'A' : before < 0.95 * total ? 'B' : 'C');
    before += Math.max(0, v);
  }
  return out;
}

const revenue = new Map<string, number>();
/** Sends one step and waits until the ranker has applied it (its basis equals ours). */
async function step(events: TransactionEvent[]) {
  await producer.sendTransactions(events);
  for (const e of events) revenue.set(e.customerId, (revenue.get(e.customerId) ?? 0) + (e.kind === 'REFUND' ? -e.amountMinor : e.amountMinor));
  await h.waitFor('the ranker to apply the step', async () => {
    for (const e of events) {
      const r = await readCustomerRank(h.redis, h.prefix, 'global', e.customerId);
      if (!r || r.basisMinor !== revenue.get(e.customerId)) return false;
    }
    return true;
  }, 60_000);
}

let february: Map<string, string>;
const history: Array<Map<string, string>> = [];

beforeAll(async () => {
  await h.createTopics();
  h.startService('aggregator');
  h.startService('ranker', { HYSTERESIS_MARGIN: '0', HYSTERESIS_MIN_DWELL_MS: '0' });
  producer = new BillingProducer({ kafka: h.kafka, registryUrl: h.connection.registryUrl, topics: h.topics, transactionsPartitions: 6 });
  await producer.start();
  await producer.sendProfiles(ids.map(profile));
  await h.waitFor('the profiles', async () => (await h.redis.exists(...ids.map((id) => `${h.prefix}profile:${id}`))) === ids.length);
  // February: R1 > R2 > ... > R8 (R9 buys nothing until March)
  await step(ids.slice(0, 8).map((id, i) => tx(id, FEB + i * 60_000, [400_000, 250_000, 120_000, 80_000, 50_000, 30_000, 20_000, 10_000][i]!)));
  february = tiers(revenue);
  // March
  const script: TransactionEvent[][] = [
    [tx('R6', MAR + 2 * DAY, 600_000)], // R6 C -> A
    [tx('R6', MAR + 4 * DAY, 600_000, 'REFUND')], // and back: a flap
    [tx('R6', MAR + 6 * DAY, 600_000)], // and up again (net: C -> A)
    [tx('R9', MAR + 8 * DAY, 2_000_000)], // new, straight to the top
    [tx('R3', MAR + 10 * DAY, 5_000)],
    [tx('R8', MAR + 12 * DAY, 900_000)],
  ];
  for (const s of script) {
    await step(s);
    history.push(tiers(revenue));
  }
}, 300_000);

afterAll(async () => {
  await producer?.stop();
  await h.close();
});

describe('tierflow review --month', () => {
  it('has one row per moved customer (net), and agrees with the cards', async () => {
    const march = history.at(-1)!;
    const expected = ids
      .map((id) => ({ id, from: february.get(id) ?? null, to: march.get(id)! }))
      .filter((x) => (x.from === null ? x.to !== 'C' : x.from !== x.to))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    // and how many tier-change events each had on the way (each step's tier against the one before)
    const events = new Map<string, number>();
    let prev = february;
    for (const t of history) {
      for (const id of ids) if (t.has(id) && (prev.get(id) ?? 'C') !== t.get(id)) events.set(id, (events.get(id) ?? 0) + 1);
      prev = t;
    }
    expect(expected.length).toBeGreaterThan(2);
    expect([...events.values()].some((v) => v > 1)).toBe(true); // the script has a flap

    const dir = path.join(repoRoot, 'test-results');
    mkdirSync(dir, { recursive: true });
    const out = path.join(dir, `review-month-${h.id}.json`);
    const res = await runCli(['review', '--month', '2026-03', '--format', 'json', '--out', out], h.env());
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const review = JSON.parse(readFileSync(out, 'utf8')) as {
      moves: Array<{ customerId: string; fromTier: string | null; toTier: string; kind: string; events: number; name: string | null; accountManager: string | null; explanation: string }>;
    };
    expect(review.moves.map((m) => m.customerId).sort()).toEqual(expected.map((x) => x.id));
    expect(new Set(review.moves.map((m) => m.customerId)).size).toBe(review.moves.length);
    const model = createReadModel({ redis: h.redis, keyPrefix: h.prefix, transactionsPartitions: 6, aggregateContext: { currency: 'USD', currentWindowDays: 30, rankingWindowDays: 90 } });
    for (const x of expected) {
      const m = review.moves.find((r) => r.customerId === x.id)!;
      expect([m.fromTier, m.toTier], x.id).toEqual([x.from, x.to]);
      expect(m.kind).toBe(x.from === null ? 'first-classification' : x.to < x.from ? 'upgrade' : 'downgrade');
      expect(m.events, x.id).toBe(events.get(x.id));
      const card = (await model.store.card(x.id, { kind: 'global' }))!;
      expect(card.tier?.tier).toBe(m.toTier);
      expect([m.name, m.accountManager]).toEqual([card.profile.name, card.profile.accountManager]);
      expect(m.explanation).toContain(`Tier ${m.toTier}: rank`);
    }
    const r9 = review.moves.find((m) => m.customerId === 'R9')!;
    expect(r9.explanation).toMatch(/^Review Co R9 was first classified as A in global\./);

    // the same review as Markdown, and as a PDF printed by Chromium
    const md = path.join(dir, `review-month-${h.id}.md`);
    expect((await runCli(['review', '--month', '2026-03', '--out', md], h.env())).code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain(`${expected.length} customers moved in global during the period (net, one row each)`);
    if (existsSync('/usr/bin/chromium')) {
      const pdf = path.join(dir, `review-month-${h.id}.pdf`);
      const p = await runCli(['review', '--month', '2026-03', '--format', 'pdf', '--out', pdf], h.env());
      expect(p.code, p.stderr).toBe(0);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  it('tail prints decoded records as JSON lines; worklist lists a manager\'s accounts; an unknown scope exits 3 with the known ones', async () => {
    const tail = await runCli(['tail', 'tier-changes', '--from-beginning', '--limit', '3'], h.env());
    expect(tail.code, tail.stderr).toBe(0);
    const lines = tail.stdout.trim().split('\n').map((l) => JSON.parse(l) as { topic: string; key: string; value: { customerId: string; toTier: string } });
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l.topic).toBe(h.topics.tierChanges);
      expect(ids).toContain(l.value.customerId);
      expect(l.key).toBe(l.value.customerId);
      expect(['A', 'B', 'C']).toContain(l.value.toTier);
    }
    const manager = 'am.1@example.com';
    const mine = ids.filter((_, i) => i % 3 === 1).sort();
    const w = await runCli(['worklist', '--manager', manager, '--json'], h.env());
    expect(w.code, w.stderr).toBe(0);
    const list = JSON.parse(w.stdout) as { accounts: Array<{ customerId: string; tier: string | null; nextAction: { code: string } }> };
    expect(list.accounts.map((a) => a.customerId).sort()).toEqual(mine);
    const march = history.at(-1)!;
    for (const a of list.accounts) expect(a.tier).toBe(march.get(a.customerId));
    const unknown = await runCli(['worklist', '--manager', 'nobody@example.com'], h.env());
    expect(unknown.code).toBe(3);
    const scope = await runCli(['top', '--scope', 'region:atlantis'], h.env());
    expect(scope.code).toBe(3);
    expect(scope.stderr).toContain('unknown scope region:atlantis; known scopes: global, region:north, region:south');
  });
});
