import type { AddressInfo } from 'node:net';
import { BillingProducer } from '../../../tools/cli/src/billing-producer';
import type { CustomerProfile, TransactionEvent } from '@tierflow/contracts/events/event-types';
import { createPopulation } from '../../../tools/cli/src/simulate/telecom-population';
import { DAY_MS, TelecomStream } from '../../../tools/cli/src/simulate/telecom-stream';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { FeedHub } from '../../../services/dashboard/src/feed-hub';
import { createHttpServer } from '../../../services/dashboard/src/http-server';
import { LiveFeed } from '../../../services/dashboard/src/live-feed';
import { createReadModel } from '../../../shared/views/src/read-model';
import type { PipelineHarness } from './pipeline-harness';

export interface Expected {
  profiles: Map<string, CustomerProfile>;
  revenue: Map<string, number>;
  balance: Map<string, number>;
  events: TransactionEvent[];
}

/** What the billing events add up to per customer, computed here independently of the aggregator. */
export function expectedFigures(events: readonly TransactionEvent[]) {
  const revenue = new Map<string, number>();
  const balance = new Map<string, number>();
  for (const e of events) {
    const r = e.kind === 'CHARGE' ? e.amountMinor : e.kind === 'REFUND' ? -e.amountMinor : e.kind === 'ADJUSTMENT' ? e.amountMinor : 0;
    const b = e.kind === 'PAYMENT' ? -e.amountMinor : r;
    if (e.kind !== 'PAYMENT') revenue.set(e.customerId, (revenue.get(e.customerId) ?? 0) + r);
    balance.set(e.customerId, (balance.get(e.customerId) ?? 0) + b);
  }
  return { revenue, balance };
}

/** Sends a simulated population (profiles, then `historyDays` of history ending yesterday) into the harness's topics. */
export async function seedSimulation(h: PipelineHarness, p: { customers: number; historyDays: number; seed: number }): Promise<Expected & { producer: BillingProducer }> {
  const producer = new BillingProducer({ kafka: h.kafka, registryUrl: h.connection.registryUrl, topics: h.topics, transactionsPartitions: 6 });
  await producer.start();
  const today = Math.floor(Date.now() / DAY_MS);
  const accounts = createPopulation({ seed: p.seed, customers: p.customers, startDay: today - p.historyDays, endDay: today });
  await producer.sendProfiles(accounts.map((a) => a.profile));
  // CRM data first: the ranker reads a customer's region from the stored profile when it ranks it
  await h.waitFor('the aggregator to store every profile', async () => {
    const pipe = h.redis.pipeline();
    for (const a of accounts) pipe.exists(`${h.prefix}profile:${a.customerId}`);
    return ((await pipe.exec()) ?? []).every(([, n]) => n === 1);
  });
  const stream = new TelecomStream({ seed: p.seed, accounts });
  const events: TransactionEvent[] = [];
  for (let d = today - p.historyDays; d < today; d++) events.push(...stream.day(d));
  for (let i = 0; i < events.length; i += 1000) await producer.sendTransactions(events.slice(i, i + 1000));
  const { revenue, balance } = expectedFigures(events);
  return { producer, events, revenue, balance, profiles: new Map(accounts.map((a) => [a.customerId, a.profile])) };
}

/** The dashboard, assembled as its main.ts does, on a free port of 127.0.0.1. */
export async function startDashboard(h: PipelineHarness, opts: { apiToken?: string } = {}) {
  const codec = new SchemaCodec({ registryUrl: h.connection.registryUrl });
  const hub = new FeedHub(200);
  const model = createReadModel({ redis: h.redis, keyPrefix: h.prefix, transactionsPartitions: 6, aggregateContext: { currency: 'USD', currentWindowDays: 30, rankingWindowDays: 90 } });
  const feed = new LiveFeed({ kafka: h.kafka, codec, redis: h.redis, hub, logger: h.logger, keyPrefix: h.prefix, topics: h.topics, transactionsPartitions: 6, backfill: 200, explain: model.explain });
  const store = model.store;
  const app = createHttpServer({
    portfolio: model.portfolio,
    data: { summary: (s) => store.summary(s), top: (s, n) => store.top(s, n), card: (id, s) => store.card(id, s), scopes: () => store.scopes(), ready: async () => feed.ready && (await store.ready()) },
    hub,
    logger: h.logger,
    apiToken: opts.apiToken ?? null,
  });
  await feed.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    hub,
    feed,
    get: async <T = Record<string, unknown>>(path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${url}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as T };
    },
    close: async () => {
      await app.close();
      await feed.stop();
    },
  };
}
