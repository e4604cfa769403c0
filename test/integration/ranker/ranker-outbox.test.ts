import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { RankStore } from '../../../services/ranker/src/rank-store';
import type { TierChange } from '../../../shared/contracts/src/events/event-types';
import { TierEngine } from '../../../shared/domain/src/ranking/tier-engine';
import { dropPrefix } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { aggregateStream, rankerFixture, windowUpdate } from '../../../tools/testkit/src/ranker-fixture';

const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const started: ServiceProcess[] = [];
const cleanup: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
  for (const c of cleanup) await c().catch(() => undefined);
  redis.disconnect();
});

describe('ranker outbox', () => {
  it('sends on start what a crashed instance committed but never sent, with nothing new to read', async () => {
    const f = await rankerFixture(kafka);
    cleanup.push(() => deleteTopics(kafka, Object.values(f.topics)), () => dropPrefix(redis, f.prefix));
    const stream = aggregateStream({ count: 40, customers: 20, seed: 7 });
    await produce(kafka, f.topics.aggregates, stream.map(f.toMessage));

    // a ranker that applied and committed everything, then died before its flush
    const engine = new TierEngine({ rules: { mode: 'share', thresholdA: 0.8, thresholdB: 0.95, margin: 0, minDwellMs: 0 }, configVersion: 'crashed' });
    const events: TierChange[] = [];
    const applied: number[] = [];
    for (const a of stream) {
      const out = engine.apply(windowUpdate(a, null));
      if (out) {
        events.push(...out);
        applied.push(engine.customers.handleOf(a.customerId) as number);
      }
    }
    const store = new RankStore({ redis, prefix: f.prefix, offsetField: `${f.topics.aggregates}:0`, historyLength: 10, recentLength: 10 });
    await store.commit(engine, { expectedOffset: -1, offset: stream.length - 1, applied, dirty: engine.drainDirty(), events, eventTime: 0 });
    expect(events.length).toBeGreaterThan(5);
    expect(await redis.llen(store.keys.outbox)).toBe(events.length);

    const s = await startService('ranker', f.env());
    started.push(s);
    await s.ready();
    const messages = await readTopic(kafka, f.topics.tierChanges, (ms) => ms.length >= events.length, 60_000);
    const got = await Promise.all(messages.map((m) => f.codec.decode<TierChange>(m.value)));
    expect(got).toEqual(events);
    for (let i = 0; i < 50 && (await redis.llen(store.keys.outbox)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await redis.llen(store.keys.outbox)).toBe(0);
    expect(await store.readOffset()).toBe(stream.length - 1); // nothing re-applied
  });
});
