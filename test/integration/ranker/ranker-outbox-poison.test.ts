import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import { RankStore } from '../../../services/ranker/src/rank-store';
import type { TierChange } from '../../../shared/contracts/src/events/event-types';
import { TierEngine } from '../../../shared/domain/src/ranking/tier-engine';
import { dropPrefix } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { aggregateStream, rankerFixture, windowUpdate } from '../../../tools/testkit/src/ranker-fixture';

/**
 * Poison at encode in the ranker's outbox (issue 14): tier changes stored with a rank beyond
 * 2^53 and a fractional basis. The send thread dead-letters each with its code and sends the
 * rest; the ranker then applies new aggregates and sends their tier changes.
 */
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const started: ServiceProcess[] = [];
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
  for (const c of cleanup) await c().catch(() => undefined);
  redis.disconnect();
});

describe('ranker outbox: poison at encode', () => {
  it('an out-of-range long and a fractional long are dead-lettered with their codes; the other events are sent and new input flows', async () => {
    const f = await rankerFixture(kafka);
    const dlqTopic = `customer.ranker.dlq.${f.prefix.slice(1, -1)}`;
    cleanup.push(() => deleteTopics(kafka, [...Object.values(f.topics), dlqTopic]), () => dropPrefix(redis, f.prefix));
    const stream = aggregateStream({ count: 40, customers: 20, seed: 7 });
    const first = stream.slice(0, 30);
    await produce(kafka, f.topics.aggregates, first.map(f.toMessage));

    // a ranker committed these (two of them with values no Avro long can carry) and died before sending
    const engine = new TierEngine({ rules: { mode: 'share', thresholdA: 0.8, thresholdB: 0.95, margin: 0, minDwellMs: 0 }, configVersion: 'crashed' });
    const events: TierChange[] = [];
    const applied: number[] = [];
    for (const a of first) {
      const out = engine.apply(windowUpdate(a, null));
      if (out) {
        events.push(...out);
        applied.push(engine.customers.handleOf(a.customerId) as number);
      }
    }
    expect(events.length).toBeGreaterThan(5);
    events[1] = { ...events[1]!, rank: 2 ** 60 };
    events[3] = { ...events[3]!, basisMinor: 1234.5 };
    const store = new RankStore({ redis, prefix: f.prefix, offsetField: `${f.topics.aggregates}:0`, historyLength: 10, recentLength: 10 });
    await store.commit(engine, { expectedOffset: -1, offset: first.length - 1, applied, dirty: engine.drainDirty(), events, eventTime: 0 });

    const s = await startService('ranker', f.env({ RANKER_DLQ_TOPIC: dlqTopic }));
    started.push(s);
    await s.ready();
    const dlq = await readTopic(kafka, dlqTopic, (m) => m.length >= 2, 60_000);
    expect(dlq.map((m) => headerText(m.headers, 'tierflow.dlq.code'))).toEqual(['OUT_OF_RANGE', 'NOT_AN_INTEGER']);
    expect(dlq.map((m) => m.key?.toString())).toEqual([events[1]!.customerId, events[3]!.customerId]);
    expect(headerText(dlq[0]!.headers, 'tierflow.dlq.reason')).toMatch(/field rank/);
    expect(headerText(dlq[1]!.headers, 'tierflow.dlq.reason')).toMatch(/field basisMinor is 1234\.5/);
    const good = events.filter((_, i) => i !== 1 && i !== 3);
    const sent = await readTopic(kafka, f.topics.tierChanges, (ms) => ms.length >= good.length, 60_000);
    expect((await Promise.all(sent.map((m) => f.codec.decode<TierChange>(m.value)))).map((e) => e.eventId)).toEqual(good.map((e) => e.eventId));
    for (let i = 0; i < 50 && (await redis.llen(store.keys.outbox)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await redis.llen(store.keys.outbox)).toBe(0);

    // new aggregates are applied and their tier changes sent
    await produce(kafka, f.topics.aggregates, stream.slice(30).map(f.toMessage));
    for (let i = 0; i < 300 && (await store.readOffset()) < stream.length - 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await store.readOffset()).toBe(stream.length - 1);
    expect(s.exited()).toBe(false);
  });
});
