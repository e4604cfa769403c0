import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulationSummary, TopRow } from '../../../shared/views/src/dashboard-data';
import type { BillingProducer } from '../../../tools/cli/src/billing-producer';
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
/** the big charge the first test adds (customer, amount), for the independent ranking below */
let extraCharge: { customerId: string; amountMinor: number } | null = null;

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
    // bypassCSP: this test's string predicates run as eval in the page, which the dashboard's CSP
    // (script-src 'self') refuses; the page's own scripts run under the CSP in the other tests
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, bypassCSP: true });
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
    extraCharge = { customerId: last.customerId, amountMinor: summary.totalBasisMinor };
    await producer.sendTransactions([{
      transactionId: `browser-test-${h.id}`, customerId: last.customerId, occurredAt: Date.now() - 60_000, kind: 'CHARGE',
      amountMinor: summary.totalBasisMinor, costMinor: 0, currency: 'USD', product: 'test',
    }]);
    const item = page.locator('#feed li', { hasText: last.customerId }).filter({ hasText: 'TIER' }).first();
    await item.waitFor({ timeout: 20_000 });
    const seconds = (Date.now() - sentAt) / 1000;
    expect(seconds).toBeLessThan(20);
    expect(await item.textContent()).toMatch(/C\s*→\s*A up in (global|region:\w+)/);
    // the feed names the customer and says why in words
    const profileName = expected.profiles.get(last.customerId)!.name!;
    expect(await item.locator('.name').textContent()).toBe(profileName);
    expect(await item.locator('.why').textContent()).toMatch(new RegExp(`^${profileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} moved up from C to A in (global|region:\\w+)\\. Tier A: rank 1 of \\d+\\. No customer is ranked before it`));
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

  it("shows why the customer is in its tier, in words, from figures computed here independently", async () => {
    // the ranking here: every transaction is inside the 90-day window, so the basis is the revenue
    const basis = new Map(expected.revenue);
    if (extraCharge) basis.set(extraCharge.customerId, (basis.get(extraCharge.customerId) ?? 0) + extraCharge.amountMinor);
    const order = [...basis.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const total = order.reduce((s, [, v]) => s + Math.max(0, v), 0);
    const at = 4; // the fifth customer: someone with customers before it
    const [id] = order[at]!;
    const before = order.slice(0, at).reduce((s, [, v]) => s + Math.max(0, v), 0) / total;
    const tier = before < 0.8 ? 'A' : before < 0.95 ? 'B' : 'C';
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${dash.url}/customer?id=${id}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
    const why = await page.textContent('#tier-why');
    expect(why).toContain(`Tier ${tier}: rank ${at + 1} of ${order.length}. The ${at} customers ranked before it hold ${(before * 100).toFixed(1)}% of the scope's revenue of the last 90 days`);
    expect(why).toMatch(tier === 'A' ? /below the A threshold of 80%, so it is A\. A ends at rank \d+ \(\$[\d,]+\.\d\d\)\./ : /threshold/);
    await page.screenshot({ path: path.join(shots, 'customer-card-explanation.png'), fullPage: true });
    await page.close();
  });

  it("lists an account manager's accounts with the care programme's next action, and the over-limit list", async () => {
    const { body: scopes } = await dash.get<{ scopes: string[] }>('/api/scopes');
    expect(scopes.scopes[0]).toBe('global');
    // the manager with the most accounts, counted here from the profiles sent
    const counts = new Map<string, number>();
    for (const p of expected.profiles.values()) if (p.accountManager) counts.set(p.accountManager, (counts.get(p.accountManager) ?? 0) + 1);
    const [manager] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const mine = [...expected.profiles.values()].filter((p) => p.accountManager === manager).map((p) => p.customerId).sort();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${dash.url}/worklist?manager=${encodeURIComponent(manager)}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
    const rows = await page.$$eval('#worklist tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-customer'), tr.querySelector('.tier')?.textContent ?? null, tr.getAttribute('data-action')]));
    expect(rows.map((r) => r[0]).sort()).toEqual(mine);
    const action: Record<string, string> = { A: 'one-to-one-review', B: 'membership-programme', C: 'periodic-information' };
    for (const [, tier, code] of rows) expect(code).toBe(action[tier ?? 'C']);
    // sorted by tier: every A before every B before every C
    const tiers = rows.map((r) => r[1] ?? 'C').join('');
    expect(tiers).toBe([...tiers].sort().join(''));
    // the over-limit list of this manager, from the billing events and the profiles sent
    const over = mine.filter((id) => {
      const limit = expected.profiles.get(id)!.creditLimitMinor;
      return limit !== null && (expected.balance.get(id) ?? 0) + (extraCharge?.customerId === id ? extraCharge.amountMinor : 0) > limit;
    }).sort();
    const overRows = await page.$$eval('#over-limit tbody tr[data-customer]', (trs) => trs.map((tr) => tr.getAttribute('data-customer')));
    expect([...overRows].sort()).toEqual(over);
    const incomplete = mine.filter((id) => { const p = expected.profiles.get(id)!; return [p.phone, p.legalRepresentative, p.creditLimitMinor, p.address, p.industry].some((v) => v === null); }).sort();
    const incompleteRows = await page.$$eval('#incomplete tbody tr[data-customer]', (trs) => trs.map((tr) => tr.getAttribute('data-customer')));
    expect([...incompleteRows].sort()).toEqual(incomplete);
    await page.screenshot({ path: path.join(shots, 'worklist.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the strategy matrix with counts, and a click on a cell lists its customers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${dash.url}/matrix`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
    const cells = await page.$$eval('button.cell', (bs) => bs.map((b) => [b.getAttribute('data-cell'), Number(b.getAttribute('data-count'))] as [string, number]));
    expect(cells).toHaveLength(9);
    // every customer is in exactly one cell
    expect(cells.reduce((s, [, n]) => s + n, 0)).toBe(expected.profiles.size);
    const [cell, count] = cells.filter(([, n]) => n > 0).sort((a, b) => a[1] - b[1])[0]!;
    await page.click(`button.cell[data-cell="${cell}"]`);
    await page.waitForSelector(`body[data-cell="${cell}"]`);
    const listed = await page.$$eval('#cell-customers tbody tr[data-customer]', (trs) => trs.map((tr) => tr.getAttribute('data-customer')));
    expect(listed).toHaveLength(count);
    // the cards of the listed customers say the same standing
    const [attractiveness, relationship] = cell.split(':');
    for (const id of listed.slice(0, 5)) {
      const { body } = await dash.get<{ standing: { attractiveness: string; relationship: string } }>(`/api/customers/${id}`);
      expect([body.standing.attractiveness, body.standing.relationship]).toEqual([attractiveness, relationship]);
    }
    await page.screenshot({ path: path.join(shots, 'matrix.png'), fullPage: true });
    await page.close();
  });

  it('works at phone width (420 px): no page-wide horizontal scroll, tiles and panels stacked', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 }, deviceScaleFactor: 1 });
    const someone = [...expected.revenue.keys()][0]!;
    for (const [url, file] of [['/', 'phone-overview.png'], ['/worklist', 'phone-worklist.png'], ['/matrix?cell=HIGH:AVERAGE', 'phone-matrix.png'], [`/customer?id=${someone}`, 'phone-card.png']] as const) {
      await page.goto(`${dash.url}${url}`);
      await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, `${url} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(shots, file), fullPage: true });
    }
    // the panels are one column: each is as wide as the page minus its padding
    const widths = (await page.evaluate('[...document.querySelectorAll("main > section")].map((s) => s.getBoundingClientRect().width)')) as number[];
    for (const w of widths.filter((x) => x > 0)) expect(w).toBeGreaterThan(380);
    expect(widths.filter((x) => x > 0).length).toBeGreaterThan(0);
    await page.close();
  });
});
