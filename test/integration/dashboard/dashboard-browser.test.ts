import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulationSummary, TopRow } from '../../../services/dashboard/src/dashboard-data';
import type { BillingProducer } from '../../../services/cli/src/billing-producer';
import { seedSimulation, startDashboard, type Expected } from './dashboard-fixture';
import { PipelineHarness, repoRoot } from './pipeline-harness';

// The live page in a real browser (Debian's chromium through playwright-core), on the real
// aggregator and ranker: it shows the API's figures, and a tier change caused during the test
// reaches the live feed by server-sent events within seconds.
const h = new PipelineHarness();
const shots = path.join(repoRoot, 'test-results');
let expected: Expected;
let producer: BillingProducer;
let dash: Awaited<ReturnType<typeof startDashboard>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await h.createTopics();
  h.startService('aggregator');
  h.startService('ranker');
  if (PipelineHarness.serviceExists('churn-watch')) h.startService('churn-watch');
  const seeded = await seedSimulation(h, { customers: 60, historyDays: 75, seed: 5 });
  expected = seeded;
  producer = seeded.producer;
  dash = await startDashboard(h);
  await h.waitFor('the ranker to rank every customer', async () => {
    const { body } = await dash.get<PopulationSummary>('/api/summary');
    return body.customers === expected.revenue.size;
  }, 120_000);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await producer?.stop();
  await h.close();
});

const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);

describe('the live page', () => {
  it('shows the API figures, and a tier change produced during the test appears in the live feed within seconds', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(dash.url);
    await page.waitForSelector('body[data-loaded="true"][data-feed="open"]', { timeout: 20_000 });

    const { body: summary } = await dash.get<PopulationSummary>('/api/summary');
    const { body: top } = await dash.get<{ rows: TopRow[] }>('/api/top?limit=100');
    expect(await page.textContent('#kpi-customers')).toBe(fmt(summary.customers));
    const a = summary.tiers.find((t) => t.tier === 'A')!;
    expect(await page.textContent('#kpi-a')).toBe(fmt(a.customers));
    expect(await page.textContent('#kpi-top20')).toBe(`${((summary.concentration.top20Share ?? 0) * 100).toFixed(1)}%`);
    const rows = await page.$$eval('#top tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-customer'), tr.querySelector('.tier')?.textContent]));
    expect(rows).toEqual(top.rows.slice(0, 20).map((r) => [r.customerId, r.tier]));
    // the charts were drawn (chart.js served by the dashboard itself)
    // (browser-side code as strings: the repo's TypeScript has no DOM types)
    expect(await page.evaluate('typeof window.Chart')).toBe('function');
    expect(await page.evaluate('[...document.querySelectorAll("canvas")].map((c) => c.width > 0)')).toEqual([true, true]);

    // a C customer buys big: the aggregator, then the ranker, emit a real tier change to Kafka
    const last = top.rows.filter((r) => r.tier === 'C').at(-1)!;
    expect(last).toBeDefined();
    const sentAt = Date.now();
    await producer.sendTransactions([{
      transactionId: `browser-test-${h.id}`, customerId: last.customerId, occurredAt: Date.now() - 60_000, kind: 'CHARGE',
      amountMinor: summary.totalBasisMinor, costMinor: 0, currency: 'USD', product: 'test',
    }]);
    const item = page.locator('#feed li', { hasText: last.customerId }).filter({ hasText: 'TIER' }).first();
    await item.waitFor({ timeout: 20_000 });
    const seconds = (Date.now() - sentAt) / 1000;
    expect(seconds).toBeLessThan(20);
    expect(await item.textContent()).toMatch(/C\s*→\s*A up in (global|region:\w+)/);
    console.log(`tier change of ${last.customerId} reached the live feed ${seconds.toFixed(1)} s after the charge was produced`);
    // the next refresh (every 5 s) shows the customer at the top of the table
    await page.waitForSelector(`#top tbody tr:first-child[data-customer="${last.customerId}"]`, { timeout: 15_000 });
    await page.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });

    // the scope selector switches the whole page to one region
    const region = (await dash.get<{ scopes: string[] }>('/api/scopes')).body.scopes.find((s) => s.startsWith('region:'))!;
    await page.selectOption('#scope', region);
    const name = JSON.stringify(region.slice('region:'.length));
    await page.waitForFunction(`new URL(window.location.href).searchParams.get('scope') === ${JSON.stringify(region)}`);
    await page.waitForFunction(
      `(() => { const cells = [...document.querySelectorAll('#top tbody tr td:nth-child(4)')].map((td) => td.textContent);
        return cells.length > 0 && cells.every((c) => c === ${name}); })()`,
      undefined,
      { timeout: 10_000 },
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the customer card with its figures and the missing profile fields', async () => {
    const withGaps = [...expected.profiles.values()].find((p) => expected.revenue.has(p.customerId) && (p.phone === null || p.legalRepresentative === null))!;
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    await page.goto(`${dash.url}/customer?id=${withGaps.customerId}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
    const { body: card } = await dash.get<{ missingProfileFields: string[]; lifetime: { revenueMinor: number } }>(`/api/customers/${withGaps.customerId}`);
    expect(await page.textContent('#missing-fields')).toBe(`missing: ${card.missingProfileFields.join(', ')}`);
    expect(card.lifetime.revenueMinor).toBe(expected.revenue.get(withGaps.customerId));
    const lifetime = await page.textContent('#money tbody tr:first-child td:nth-child(2)');
    expect(lifetime).toBe(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(card.lifetime.revenueMinor / 100));
    await page.screenshot({ path: path.join(shots, 'customer-card.png'), fullPage: true });
    await page.goto(`${dash.url}/customer?id=NOPE-123`);
    await page.waitForSelector('body[data-loaded="error"]');
    expect(await page.textContent('#title')).toMatch(/no customer NOPE-123/);
    await page.close();
  });
});
