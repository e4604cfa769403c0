/**
 * Two churn-watch instances on one Redis (one reading the tier changes, the other the
 * aggregates, as a consumer group may split them): a tier change waiting for its cause and the
 * cause's aggregate, planned at the same time, end with the change applied, whichever commits
 * first. Real Redis; the instances' steps are interleaved by hand.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { ChurnStore } from '../../../services/churn-watch/src/churn-store';
import { commitStep, planStep, type StepPosition } from '../../../services/churn-watch/src/churn-step';
import type { ChurnRecord } from '../../../shared/domain/src/churn/batch-planner';
import { DAY_MS, defaultThresholds } from '../../../shared/domain/src/churn/churn-types';
import { defaultStandingConfig } from '../../../shared/domain/src/strategy/customer-standing';
import type { AggregateFigures } from '../../../shared/contracts/src/keyspace/churn-watch/churn-state';

const prefix = `test:cwi:${randomUUID()}:`;
const clients = [new Redis(connectionConfig().redisUrl), new Redis(connectionConfig().redisUrl)];
const [x, y] = clients.map((redis) => new ChurnStore({ redis, prefix, recentMax: 10 })) as [ChurnStore, ChurnStore];
const config = { timeMode: 'replay' as const, thresholds: defaultThresholds, standing: defaultStandingConfig };
const day = (n: number) => Date.UTC(2025, 0, 1) + n * DAY_MS;

afterAll(async () => {
  const keys = await clients[0]!.keys(`${prefix}*`);
  if (keys.length > 0) await clients[0]!.del(...keys);
  for (const c of clients) c.disconnect();
});

const aggregate = (customerId: string, seq: number): ChurnRecord => {
  const at = day(seq);
  const agg: AggregateFigures = {
    seq, watermark: at, revenueMinor: 500_000, profitMinor: 100_000, txCount: 10 * seq, firstActivityAt: day(0), lastActivityAt: at,
    currentRevenueMinor: 200_000, previousRevenueMinor: 200_000, currentCount: 5, previousCount: 5,
  };
  return { kind: 'aggregate', customerId, eventId: `${customerId}:${seq}`, agg };
};
const tierUp = (customerId: string, cause: string, seq: number, causeOffset: number): ChurnRecord => ({
  kind: 'tier', customerId, eventId: `global|${customerId}|${cause}:${seq}`, fromTier: 'C', toTier: 'A', cause: { customerId: cause, seq }, causeOffset,
});
const at = (topic: string, lastOffset: number): StepPosition => ({ topic, partition: 0, lastOffset: String(lastOffset) });
const plan = async (store: ChurnStore, records: ChurnRecord[], position: StepPosition) =>
  (await planStep({ store, config, records, position, now: 0 }))!;
/** plan and commit until the commit is not a conflict, as the service does */
async function settle(store: ChurnStore, records: ChurnRecord[], position: StepPosition): Promise<void> {
  for (let i = 0; i < 5; i++) if ((await commitStep(store, await plan(store, records, position))) !== 'conflict') return;
  throw new Error('still a conflict');
}
const tierOf = async (customerId: string) => (await x.load([customerId])).states.get(customerId)?.tier ?? null;
const stagedUnder = (customerId: string) => clients[0]!.hget(x.keys.staged, customerId);

describe('two churn-watch instances on one Redis', () => {
  it('a tier change staged while its cause is applied elsewhere is not left waiting, whichever commits first', async () => {
    await settle(y, [aggregate('C', 1), aggregate('D', 1)], at('agg', 1));

    // 1. x stages K's change under C (C is at seq 1); y applies C:2 and commits first
    const staging = await plan(x, [tierUp('K', 'C', 2, 2)], at('tier', 0));
    expect(staging.plan.staged.get('C')).toHaveLength(1);
    expect(await commitStep(y, await plan(y, [aggregate('C', 2)], at('agg', 2)))).toBe('applied');
    // x read C's seq before y moved it: staging now would leave the change waiting for C:3
    expect(await commitStep(x, staging)).toBe('conflict');
    await settle(x, [tierUp('K', 'C', 2, 2)], at('tier', 0));
    expect(await tierOf('K')).toBe('A');
    expect(await stagedUnder('C')).toBeNull();

    // 2. y plans D:2 finding nothing staged; x stages L's change under D and commits first
    const applying = await plan(y, [aggregate('D', 2)], at('agg', 3));
    expect(await commitStep(x, await plan(x, [tierUp('L', 'D', 2, 3)], at('tier', 1)))).toBe('applied');
    expect(await stagedUnder('D')).not.toBeNull();
    // y's plan releases nothing under D: committed, L's change would wait for D:3
    expect(await commitStep(y, applying)).toBe('conflict');
    await settle(y, [aggregate('D', 2)], at('agg', 3));
    expect(await tierOf('L')).toBe('A');
    expect(await stagedUnder('D')).toBeNull();
  });
});
