import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import type { AggregateFields } from '../../../shared/domain/src/ranking/ranking-basis';
import type { TierChange } from '../../../shared/contracts/src/events/event-types';
import { oracleAggregates } from '../../../tools/testkit/src/aggregate-oracle';
import { dropPrefix, pipelineFixture, readCustomers, toMessage, withoutSeq, withPartitions } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, testKafka, topicEnd } from '../../../tools/testkit/src/kafka-io';
import { freePort } from '../../../tools/testkit/src/free-port';
import { decodeTopic, expectedTierChanges, waitRanked } from '../../../tools/testkit/src/pipeline-harness';
import { registryTlsEnv, stackSecurity } from '../../support/secure-stack';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { generateTransactions } from '../../../tools/testkit/src/transaction-fixtures';

const WINDOWS = { currentWindowDays: 30, rankingWindowDays: 90, allowedLatenessMs: 48 * 3_600_000 };
const logger = createLogger({ name: 'test', level: 'silent' });
const sec = stackSecurity();
/** Everything secured: SCRAM-SHA-512 over TLS to Kafka, Redis over TLS as the ACL user, the registry over TLS with basic auth. */
const securedEnv = { ...sec.saslEnv('scram-sha-512'), ...sec.redisTlsEnv(), ...registryTlsEnv() };
const secured = connectionConfig({ ...process.env, ...securedEnv });
const kafka = createKafka({ brokers: secured.kafkaBrokers, security: secured.kafkaSecurity, clientId: 'test-secured', logger });
const redis = createRedis({ url: secured.redisUrl, tls: secured.redisTls, logger, name: 'test-secured' });
const plain = testKafka();
const running: ServiceProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const s of running) await s.stop().catch(() => undefined);
  for (const c of cleanups) await c().catch(() => undefined);
  redis.disconnect();
});

type Aggregate = AggregateFields & { customerId: string; seq: number; eventTime: number; eventId: string };

describe('the pipeline over the secured listeners', () => {
  it('the whole pipeline on SASL_SSL (SCRAM-SHA-512), Redis TLS and the registry over TLS: the oracle\'s state, every expected tier change, churn-watch and the alerter caught up, the dashboard answering', async () => {
    expect(secured.kafkaBrokers).toEqual([`127.0.0.1:${sec.ports.kafkaSaslSsl}`]);
    expect(secured.redisUrl.startsWith('rediss://')).toBe(true);
    expect(secured.registryUrl.startsWith('https://')).toBe(true);
    const f = await pipelineFixture(kafka); // topics created over SASL_SSL
    cleanups.push(() => deleteTopics(plain, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const events = generateTransactions({ count: 6_000, customers: 300, startMs: Date.UTC(2025, 0, 1), days: 120, seed: 17, resendEvery: 89, lateEvery: 401 });
    await produce(kafka, f.topics.transactions, events.map((e) => toMessage(f.codec, f.txSchemaId, e)));
    const dashboardPort = await freePort();
    for (const name of ['aggregator', 'ranker', 'churn-watch', 'alerter', 'dashboard'] as const) {
      const extra: Record<string, string> = name === 'dashboard' ? { DASHBOARD_PORT: String(dashboardPort) } : {};
      const s = await startService(name, { ...f.envFor(name), ...securedEnv, ...extra });
      running.push(s);
      if (name !== 'dashboard') await s.ready(); // the dashboard answers on DASHBOARD_PORT
    }
    // Redis reaches the oracle's state (polled, bounded), then the ranker catches up with the aggregates
    const oracle = oracleAggregates(withPartitions(events), WINDOWS);
    const state = () => readCustomers(redis, f.prefix, [...oracle.keys()]).then(withoutSeq);
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && JSON.stringify([...(await state())]) !== JSON.stringify([...oracle])) await new Promise((r) => setTimeout(r, 500));
    expect(await state()).toEqual(oracle);
    await waitRanked(redis, f.prefix, f.topics.aggregates, kafka, 180_000);
    const aggregates = (await decodeTopic<Aggregate>(kafka, f.topics.aggregates, 'CustomerAggregate.avsc')).map((a) => ({ ...a.value, offset: Number(a.message.offset) }));
    const expected = expectedTierChanges(aggregates, f.envFor('ranker'));
    const published = new Map<string, TierChange>();
    for (const { value } of await decodeTopic<TierChange>(kafka, f.topics.tierChanges, 'TierChange.avsc')) published.set(value.eventId, value);
    expect(expected.length).toBeGreaterThan(0);
    for (const e of expected) expect(published.get(e.eventId)).toEqual(e);
    expect(published.size).toBe(expected.length);
    // churn-watch and the alerter read everything over the same endpoints
    const at = async (hash: string, topic: string) => Number((await redis.hget(`${f.prefix}${hash}`, `${topic}:0`)) ?? -1);
    const ends = { aggregates: await topicEnd(kafka, f.topics.aggregates), tierChanges: await topicEnd(kafka, f.topics.tierChanges) };
    const until = Date.now() + 180_000;
    while (Date.now() < until && ((await at('{cw}:offsets', f.topics.aggregates)) < ends.aggregates - 1 || (await at('{al}:offsets', f.topics.tierChanges)) < ends.tierChanges - 1)) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await at('{cw}:offsets', f.topics.aggregates)).toBe(ends.aggregates - 1);
    expect(await at('{al}:offsets', f.topics.tierChanges)).toBe(ends.tierChanges - 1);
    // the dashboard reads the secured Redis: a card with the oracle's revenue
    const [someone, want] = [...oracle][0]!;
    let card: Response | null = null;
    for (let i = 0; i < 150 && card?.status !== 200; i++) {
      card = await fetch(`http://127.0.0.1:${dashboardPort}/api/customers/${someone}`).catch(() => null);
      if (card?.status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(card?.status).toBe(200);
    expect(JSON.stringify(await card!.json())).toContain(`"revenueMinor":${want.revenueMinor}`);
    // the services really were on the secured endpoints: their own Kafka clients are connected
    // to the SASL_SSL port (the broker's view) and their Redis clients are the ACL user's
    const clients = await redis.client('LIST');
    const users = String(clients).split('\n').filter((l) => / name=(aggregator|ranker|churn-watch|alerter|dashboard)/.test(l)).map((l) => /user=(\S+)/.exec(l)?.[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(new Set(users)).toEqual(new Set([sec.user]));
  });
});
