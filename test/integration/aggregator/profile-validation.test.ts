import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { headerText } from '@tierflow/runtime/exactly-once/dead-letter';
import type { CustomerProfile } from '@tierflow/contracts/events/event-types';
import { valueSubject } from '@tierflow/contracts/topics';
import { dropPrefix, pipelineFixture } from '../../../tools/testkit/src/aggregator-harness';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';
import { startService } from '../../../tools/testkit/src/service-process';

/**
 * customer.profiles through the aggregator's profile consumer (issue 14): bad profiles go to
 * customer.profiles.dlq with their code and later ones are stored; region names beyond
 * MAX_REGIONS are stored as `unassigned` and counted.
 */
const kafka = testKafka();
const redis = new Redis(connectionConfig().redisUrl);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  redis.disconnect();
});

const profile = (customerId: string, patch: Partial<CustomerProfile> = {}): CustomerProfile => ({
  customerId, name: `Name ${customerId.slice(0, 20)}`, address: null, phone: null, legalRepresentative: null, industry: null,
  region: 'north', accountManager: 'am@example.com', creditLimitMinor: 100_000, creditTermDays: 30, satisfactionScore: 0.7,
  updatedAt: Date.UTC(2026, 0, 1), ...patch,
});

describe('aggregator: profile validation', () => {
  it('dead-letters bad profiles with their codes, stores the good ones, and caps region names', async () => {
    const f = await pipelineFixture(kafka);
    cleanups.push(() => deleteTopics(kafka, [...Object.values(f.topics)]), () => dropPrefix(redis, f.prefix));
    const schemaId = await f.codec.registerFile(valueSubject(f.topics.profiles), 'CustomerProfile.avsc');
    const msg = (key: string | null, p: CustomerProfile) => ({ key, value: f.codec.encode(schemaId, p), partition: 0 });
    const bad = [
      { code: 'PROFILE_BAD_CUSTOMER_ID', m: msg('x'.repeat(10_240), profile('x'.repeat(10_240))) },
      { code: 'PROFILE_KEY_MISMATCH', m: msg('P1', profile('P2', { accountManager: 'attacker@example.com' })) },
      { code: 'PROFILE_BAD_SATISFACTION', m: msg('P3', profile('P3', { satisfactionScore: -1e300 })) },
      { code: 'PROFILE_BAD_REGION', m: msg('P4', profile('P4', { region: 'eu:west' })) },
      { code: 'PROFILE_BAD_CREDIT_LIMIT', m: msg('P5', profile('P5', { creditLimitMinor: -5 })) },
    ];
    const good = [
      msg('P1', profile('P1', { region: 'north' })),
      msg('P2', profile('P2', { region: 'south' })),
      msg('P6', profile('P6', { region: 'east' })), // a third distinct name: beyond MAX_REGIONS=2
      msg('P7', profile('P7', { region: 'north' })),
      msg('P8', profile('P8', { region: null })),
    ];
    // all in one partition, bad ones between good ones: the consumer goes on past each
    await produce(kafka, f.topics.profiles, [good[0]!, ...bad.map((b) => b.m), ...good.slice(1)]);
    const s = await startService('aggregator', f.envFor('aggregator', { MAX_REGIONS: '2' }));
    cleanups.push(async () => void (await s.stop()));
    await s.ready();

    const dlq = await readTopic(kafka, f.topics.profilesDlq, (m) => m.length >= bad.length);
    expect(dlq.map((m) => headerText(m.headers, 'tierflow.dlq.code'))).toEqual(bad.map((b) => b.code));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await redis.exists(`${f.prefix}profile:P8`))) await new Promise((r) => setTimeout(r, 200));
    const stored = async (id: string) => redis.hgetall(`${f.prefix}profile:${id}`);
    expect((await stored('P1')).accountManager).toBe('am@example.com'); // not overwritten by the mismatched record
    expect((await stored('P2')).region).toBe('south');
    expect((await stored('P6')).region).toBe('unassigned');
    expect((await stored('P7')).region).toBe('north');
    expect((await stored('P8')).region).toBeUndefined();
    for (const id of ['P3', 'P4', 'P5']) expect(await redis.exists(`${f.prefix}profile:${id}`)).toBe(0);
    expect(await redis.exists(`${f.prefix}profile:${'x'.repeat(10_240)}`)).toBe(0);
    expect((await redis.smembers(`${f.prefix}regions`)).sort()).toEqual(['north', 'south']);
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/tierflow_profile_regions_unassigned_total 1\b/);
    expect(metrics).toContain('tierflow_profiles_dead_lettered_total{code="PROFILE_KEY_MISMATCH"} 1');
  });
});
