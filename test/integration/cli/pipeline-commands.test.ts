import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulationSummary, TopRow } from '../../../shared/views/src/dashboard-data';
import { seedSimulation, type Expected } from '../dashboard/dashboard-fixture';
import { PipelineHarness, repoRoot } from '../dashboard/pipeline-harness';
import { runCli } from './cli-process';

// card, top, review and rebuild against the real aggregator, ranker and churn-watch.
const h = new PipelineHarness();
let expected: Expected;
let stopProducer: () => Promise<void>;
const cliEnv = () => ({ ...h.env(), TIERFLOW_INSTANCE: h.id, SERVICE_LOG_DIR: path.join(repoRoot, 'test-results', `rebuild-${h.id}`) });
const topJson = async () => JSON.parse((await runCli(['top', '--limit', '500', '--json'], cliEnv())).stdout) as { summary: PopulationSummary; rows: TopRow[] };

beforeAll(async () => {
  await h.createTopics();
  h.startService('aggregator');
  h.startService('ranker');
  if (PipelineHarness.serviceExists('churn-watch')) h.startService('churn-watch');
  const seeded = await seedSimulation(h, { customers: 50, historyDays: 60, seed: 21 });
  expected = seeded;
  stopProducer = () => seeded.producer.stop();
  await h.waitFor('the ranker to rank every customer', async () => {
    const { summary } = await topJson();
    return summary.customers === expected.revenue.size;
  }, 120_000);
}, 240_000);

afterAll(async () => {
  await stopProducer?.();
  await h.close();
});

const byRevenue = () => [...expected.revenue.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));

describe('tierflow top and card', () => {
  it('top prints the ranking with tiers, the biggest account first', async () => {
    const res = await runCli(['top', '--limit', '5'], cliEnv());
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^global: ${expected.revenue.size} customers, revenue \\(90 d\\)`));
    const rows = lines.slice(3);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(new RegExp(`^\\s+1  ${byRevenue()[0]![0]}\\s.*\\sA\\s`));
  });

  it('card prints the core customer card; an unknown id exits 3, a malformed one 2', async () => {
    const [id, revenue] = byRevenue()[0]!;
    const profile = expected.profiles.get(id)!;
    const res = await runCli(['card', id], cliEnv());
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`${profile.name ?? id} (${id}) — scope global`);
    expect(res.stdout).toMatch(/Tier A {2}rank 1 of \d+/);
    expect(res.stdout).toContain(`${(revenue / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} USD`);
    expect(res.stdout).toMatch(/Standing: attractiveness (HIGH|MEDIUM|LOW), relationship (GOOD|AVERAGE|POOR), strategy \S+/);
    const json = JSON.parse((await runCli(['card', id, '--json'], cliEnv())).stdout) as { lifetime: { revenueMinor: number } };
    expect(json.lifetime.revenueMinor).toBe(revenue);
    const unknown = await runCli(['card', 'NOPE-1'], cliEnv());
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('no customer NOPE-1');
    const bad = await runCli(['card', 'a{b}'], cliEnv());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('card: customer id may only contain A-Z a-z 0-9 . _ : @ - (no spaces, control characters or braces)');
  });
});

describe('tierflow review', () => {
  it('writes the periodic review as Markdown and as HTML with charts', async () => {
    const md = path.join(repoRoot, 'test-results', `review-${h.id}.md`);
    const html = path.join(repoRoot, 'test-results', `review-${h.id}.html`);
    const a = await runCli(['review', '--out', md], cliEnv());
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/review of global: \d+ customers moved \(\d+ tier-change events\), \d+ with churn signals; written to/);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('# Key-account review — global');
    expect(text).toContain(`${expected.revenue.size} customers, revenue (90 d)`);
    expect(text).toMatch(/## Are key customers churning\?/);
    expect(text).toMatch(/\d+ customers moved in global during the period \(net, one row each\): \d+ up, \d+ down, \d+ first classified/);
    const b = await runCli(['review', '--out', html, '--scope', 'region:north'], cliEnv());
    expect(b.code).toBe(0);
    expect(existsSync(html)).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h1>Key-account review — region:north</h1>');
    expect(page).toContain('aria-label="Lorenz curve"');
  });
});

describe('tierflow rebuild', () => {
  it('refuses without --yes and while services run, then rebuilds the same state from the earliest offsets', async () => {
    const noYes = await runCli(['rebuild'], cliEnv());
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('pass --yes to do it');
    const busy = await runCli(['rebuild', '--yes'], cliEnv());
    expect(busy.code).toBe(1);
    expect(busy.stdout).toMatch(/stop the pipeline services first; still consuming: test-aggregator-/);

    const before = await topJson();
    await h.stopServices();
    const res = await runCli(['rebuild', '--yes'], cliEnv(), 300_000);
    expect(res.stderr).not.toMatch(/tierflow:/);
    expect(res.stderr).toMatch(/aggregator \|█+\| (\d+)\/\1 billing\.transactions\.\S+ records applied/);
    expect(res.stdout).toContain('rebuild done: state rebuilt from the earliest offsets');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/deleted \d+ Redis keys under t-/);
    const after = await topJson();
    expect(after.summary.customers).toBe(before.summary.customers);
    expect(after.summary.totalBasisMinor).toBe(before.summary.totalBasisMinor);
    expect(after.summary.tiers).toEqual(before.summary.tiers);
    expect(after.rows.map((r) => [r.customerId, r.rank, r.tier, r.basisMinor])).toEqual(before.rows.map((r) => [r.customerId, r.rank, r.tier, r.basisMinor]));
  });
});
