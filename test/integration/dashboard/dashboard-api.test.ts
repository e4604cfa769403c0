import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerCard, PopulationSummary, TopRow } from '../../../shared/views/src/dashboard-data';
import { seedSimulation, startDashboard, type Expected } from './dashboard-fixture';
import { PipelineHarness } from './pipeline-harness';

// The dashboard API against the real aggregator and ranker services, fed a simulated population.
const h = new PipelineHarness();
let expected: Expected;
let dash: Awaited<ReturnType<typeof startDashboard>>;
let stopProducer: () => Promise<void>;

beforeAll(async () => {
  await h.createTopics();
  h.startService('aggregator');
  h.startService('ranker');
  const seeded = await seedSimulation(h, { customers: 40, historyDays: 45, seed: 11 });
  expected = seeded;
  stopProducer = () => seeded.producer.stop();
  dash = await startDashboard(h);
  const customers = [...expected.revenue.keys()].length;
  await h.waitFor(`the ranker to rank all ${customers} customers`, async () => {
    const { body } = await dash.get<PopulationSummary>('/api/summary');
    return body.customers === customers && body.totalBasisMinor === sumPositive(expected.revenue);
  }, 120_000);
}, 180_000);

afterAll(async () => {
  await dash?.close();
  await stopProducer?.();
  await h.close();
});

const sumPositive = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + Math.max(0, v), 0);

describe('dashboard API on the real pipeline', () => {
  it('summarises the population: tier counts and revenue add up, concentration and boundaries are consistent', async () => {
    const { status, body: s } = await dash.get<PopulationSummary>('/api/summary?scope=global');
    expect(status).toBe(200);
    expect(s.available).toBe(true);
    expect(s.tiers.reduce((n, t) => n + t.customers, 0)).toBe(s.customers);
    expect(s.tiers.reduce((n, t) => n + t.basisMinor, 0)).toBe(s.totalBasisMinor);
    expect(s.tiers.reduce((n, t) => n + t.share, 0)).toBeCloseTo(1, 9);
    expect(s.boundaries.aThreshold).toBe(0.8);
    expect(s.boundaries.bThreshold).toBe(0.95);
    expect(s.concentration.lorenz.at(-1)).toEqual([1, 1]);
    expect(s.concentration.gini).toBeGreaterThan(0.3);
    // Pareto: A holds at least 80% with a minority of the customers
    const a = s.tiers.find((t) => t.tier === 'A')!;
    expect(a.share).toBeGreaterThanOrEqual(0.8);
    expect(a.customers).toBeLessThan(s.customers / 2);
    const sorted = [...expected.revenue.values()].sort((x, y) => y - x);
    expect(s.boundaries.aMinBasisMinor).toBe(sorted[a.customers - 1]);
  });

  it('lists the top accounts by rank with the exact basis, tier and cumulative share', async () => {
    const { body } = await dash.get<{ rows: TopRow[] }>('/api/top?limit=10');
    const byRevenue = [...expected.revenue.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    expect(body.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(body.rows.map((r) => [r.customerId, r.basisMinor])).toEqual(byRevenue.slice(0, 10));
    expect(body.rows[0]?.tier).toBe('A');
    // cumulative share includes the row (rank 1 holds its own share, not 0%), computed here from the revenue
    const total = byRevenue.reduce((s, [, v]) => s + Math.max(0, v), 0);
    let upTo = 0;
    for (const [i, r] of body.rows.entries()) {
      expect(r.cumulativeShareBefore).toBeCloseTo(upTo / total, 12);
      upTo += Math.max(0, byRevenue[i]![1]);
      expect(r.cumulativeShare).toBeCloseTo(upTo / total, 12);
    }
    expect(body.rows[0]?.cumulativeShare).toBeGreaterThan(0);
    expect(body.rows[0]?.name).toBe(expected.profiles.get(byRevenue[0]![0])!.name);
    for (const r of body.rows) expect(['up', 'down', 'flat', 'new']).toContain(r.trend);
  });

  it('serves a region: only that region\'s customers, ranked among themselves', async () => {
    const { body: scopes } = await dash.get<{ scopes: string[] }>('/api/scopes');
    expect(scopes.scopes[0]).toBe('global');
    const region = scopes.scopes.find((s) => s.startsWith('region:'))!;
    const name = region.slice('region:'.length);
    const { body } = await dash.get<{ rows: TopRow[] }>(`/api/top?scope=${region}&limit=100`);
    const inRegion = [...expected.profiles.values()].filter((p) => p.region === name && expected.revenue.has(p.customerId));
    expect(body.rows).toHaveLength(inRegion.length);
    expect(body.rows.every((r) => r.region === name)).toBe(true);
    expect(body.rows[0]?.rank).toBe(1);
  });

  it('builds the core customer card from the aggregator, ranker and profile, naming missing profile fields', async () => {
    const id = [...expected.revenue.entries()].sort((x, y) => y[1] - x[1])[0]![0];
    const { status, body: c } = await dash.get<CustomerCard>(`/api/customers/${id}`);
    expect(status).toBe(200);
    const profile = expected.profiles.get(id)!;
    expect(c.lifetime.revenueMinor).toBe(expected.revenue.get(id));
    expect(c.credit.balanceMinor).toBe(expected.balance.get(id));
    expect(c.credit.limitMinor).toBe(profile.creditLimitMinor);
    expect(c.profile.accountManager).toBe(profile.accountManager);
    const missing = (['name', 'address', 'phone', 'legalRepresentative', 'industry', 'region', 'accountManager', 'creditLimitMinor', 'creditTermDays'] as const).filter((f) => profile[f] === null);
    expect(c.missingProfileFields).toEqual(missing);
    expect(c.trend).toHaveLength(12);
    expect(c.trend.reduce((s, m) => s + m.revenueMinor, 0)).toBe(expected.revenue.get(id));
    const total = [...expected.revenue.values()].reduce((s, v) => s + Math.max(0, v), 0);
    expect(c.tier).toMatchObject({ tier: 'A', rank: 1, cumulativeShareBefore: 0 });
    expect(c.tier!.cumulativeShare).toBeCloseTo(expected.revenue.get(id)! / total, 12);
    expect(c.tier!.explanation).toMatch(/^Tier A: rank 1 of \d+\. No customer is ranked before it \(0\.0%\), below the A threshold of 80%, so it is A\./);
    expect(c.tier!.of).toBe(expected.revenue.size);
    expect(c.lifetime.margin).toBeGreaterThan(0);
    expect(['HIGH', 'MEDIUM', 'LOW']).toContain(c.standing.attractiveness);
    expect(c.standing.strategy.length).toBeGreaterThan(0);
  });

  it('answers an unknown customer with 404 and a malformed id with 400, each with a reason', async () => {
    const unknown = await dash.get('/api/customers/NO-SUCH-CUSTOMER');
    expect(unknown).toEqual({ status: 404, body: { error: 'UNKNOWN_CUSTOMER', reason: 'no customer NO-SUCH-CUSTOMER: no transactions and no profile were received for it' } });
    const bad = await dash.get('/api/customers/has%20space');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'BAD_CUSTOMER_ID', reason: 'customer id may only contain A-Z a-z 0-9 . _ : @ - (no spaces, control characters or braces)' });
    const badScope = await dash.get('/api/top?scope=mars');
    expect(badScope.status).toBe(400);
    expect(badScope.body.error).toBe('BAD_SCOPE');
  });

  it('requires the API token when one is configured (401 with a reason), probes stay open', async () => {
    const token = 'integration-test-token-0123456789';
    const secured = await startDashboard(h, { apiToken: token });
    try {
      const none = await secured.get('/api/summary');
      expect(none.status).toBe(401);
      expect(none.body.reason).toMatch(/requires an API token/);
      const wrong = await secured.get('/api/summary', { Authorization: 'Bearer nope-nope-nope-nope' });
      expect(wrong).toEqual({ status: 401, body: { error: 'UNAUTHORIZED', reason: 'the API token is wrong' } });
      const ok = await secured.get<PopulationSummary>('/api/summary', { Authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      expect(ok.body.customers).toBe(expected.revenue.size);
      expect((await fetch(`${secured.url}/`)).status).toBe(401);
      // the token is never taken from the URL; a one-time exchange gives the browser a session cookie
      expect((await fetch(`${secured.url}/?token=${token}`)).status).toBe(401);
      const session = await fetch(`${secured.url}/auth/session`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      expect(session.status).toBe(204);
      const cookie = session.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^tierflow_session=[\w-]{40,}; HttpOnly; SameSite=Strict; Path=\//);
      expect(cookie).not.toContain(token);
      expect((await fetch(`${secured.url}/`, { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
      expect((await secured.get('/healthz')).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});
