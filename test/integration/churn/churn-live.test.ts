import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsWithSuffix } from '@tierflow/contracts/topics';
import { churnKeys } from '../../../shared/contracts/src/keyspace/churn-watch/churn-keys';
import type { ChurnRiskEvent } from '../../../shared/contracts/src/events/event-types';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService, type ServiceProcess } from '../../../tools/testkit/src/service-process';
import { aggregateValue, encodeMessage, registerInputSchemas, tierChangeValue } from './churn-fixtures';

const DAY = 86_400_000;
const suffix = randomUUID();
const topics = topicsWithSuffix(suffix);
const dlqTopic = `customer.churn-watch.dlq.${suffix}`;
const prefix = `test:cwl:${suffix}:`;
const config = connectionConfig();
let kafka: Kafka;
let redis: Redis;
let codec: SchemaCodec;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  kafka = testKafka();
  redis = new Redis(config.redisUrl);
  codec = new SchemaCodec({ registryUrl: config.registryUrl });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [topics.aggregates, topics.tierChanges, topics.churnRisk, dlqTopic].map((topic) => ({ topic, numPartitions: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
});

afterAll(async () => {
  for (const s of services) await s.stop();
  await redis.del(...Object.values(churnKeys(prefix)));
  await deleteTopics(kafka, [topics.aggregates, topics.tierChanges, topics.churnRisk, dlqTopic]);
  redis.disconnect();
});

describe('churn-watch in live mode', () => {
  it('flags a key account that goes silent by the clock, with no further event of anyone, and resolves when it buys again', async () => {
    const ids = await registerInputSchemas(codec, topics);
    const churn = await startService('churn-watch', {
      TOPIC_AGGREGATES: topics.aggregates,
      TOPIC_TIER_CHANGES: topics.tierChanges,
      TOPIC_CHURN_RISK: topics.churnRisk,
      CHURN_DLQ_TOPIC: dlqTopic,
      REDIS_KEY_PREFIX: prefix,
      KAFKA_GROUP_ID: `cwl-${suffix}`,
      TIME_MODE: 'live',
      LIVE_TICK_MS: '100',
      CHURN_INACTIVITY_CAP_DAYS: String(2_000 / DAY), // silence threshold: 2 s
    });
    services.push(churn);
    await churn.ready();

    const start = Date.now();
    const figures = { customerId: 'L', txCount: 20, current: 100_000, previous: 100_000 };
    const first = aggregateValue({ ...figures, seq: 1, at: start, lastActivityAt: start });
    await produce(kafka, topics.tierChanges, [
      encodeMessage(codec, ids.tierId, 'L', tierChangeValue({ customerId: 'L', fromTier: 'C', toTier: 'A', at: start, n: 1, cause: { customerId: 'L', seq: 1 } })),
    ]);
    await produce(kafka, topics.aggregates, [
      { key: 'L', value: codec.encode(ids.aggregateId, { ...first, firstActivityAt: start - 60 * DAY }) },
    ]);
    const read = async (n: number) =>
      Promise.all((await readTopic(kafka, topics.churnRisk, (m) => m.length >= n, 20_000)).map((m) => codec.decode<ChurnRiskEvent>(m.value)));

    const silent = await read(2);
    expect(silent.map((e) => `${e.signal} ${e.status} ${e.severity}`)).toEqual(['INACTIVITY RAISED MEDIUM', 'INACTIVITY RAISED HIGH']);
    expect(silent[0]?.trigger).toBe(`timer:${start + 2_000}`);
    expect(silent[0]!.eventTime).toBeGreaterThanOrEqual(start + 2_000); // by the clock, not an input
    expect(silent[1]!.eventTime).toBeGreaterThanOrEqual(start + 3_000);

    const again = Date.now();
    const second = aggregateValue({ ...figures, seq: 2, at: again, lastActivityAt: again, txCount: 21 });
    await produce(kafka, topics.aggregates, [{ key: 'L', value: codec.encode(ids.aggregateId, { ...second, firstActivityAt: start - 60 * DAY }) }]);
    const all = await read(3);
    expect(all.map((e) => `${e.signal} ${e.status} ${e.severity}`)).toEqual([
      'INACTIVITY RAISED MEDIUM',
      'INACTIVITY RAISED HIGH',
      'INACTIVITY RESOLVED HIGH',
    ]);
  });
});
