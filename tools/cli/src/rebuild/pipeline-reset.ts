import { AssignerProtocol, type Admin } from 'kafkajs';
import type { Redis } from '@tierflow/runtime/redis/redis-client';
import { ensureTopics, pipelineTopicSpecs } from '@tierflow/runtime/kafka/topic-setup';
import type { Topics } from '@tierflow/contracts/topics';
import { alertKeys } from '@tierflow/contracts/keyspace/alerter/alert-keys';
import { profileKeyPrefix } from '@tierflow/contracts/keyspace/profiles/profile-keys';

/** Groups that only display or report (dashboards, review): they hold no state and may keep running. */
export const isReadOnlyGroup = (groupId: string): boolean => /^tierflow-(dashboard|review)-/.test(groupId);

/**
 * The consumer groups of this pipeline: those with committed offsets on its topics (whatever
 * their names), so a rebuild never touches another pipeline sharing the cluster.
 */
export async function pipelineGroups(admin: Admin, topics: Topics): Promise<string[]> {
  const ours = [topics.transactions, topics.transactionsByCustomer, topics.profiles, topics.aggregates, topics.tierChanges, topics.churnRisk];
  const existing = new Set(await admin.listTopics());
  const wanted = ours.filter((t) => existing.has(t));
  const candidates = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => !isReadOnlyGroup(g));
  if (candidates.length === 0 || wanted.length === 0) return [];
  const { groups } = await admin.describeGroups(candidates);
  const out: string[] = [];
  for (const g of groups) {
    // a running member subscribed to one of our topics, or offsets committed on one
    const subscribed = g.members.some((m) => {
      try {
        return AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics.some((t) => wanted.includes(t)) ?? false;
      } catch {
        return false;
      }
    });
    if (subscribed) {
      out.push(g.groupId);
      continue;
    }
    const offsets = await admin.fetchOffsets({ groupId: g.groupId, topics: wanted });
    if (offsets.some((t) => t.partitions.some((p) => Number(p.offset) >= 0))) out.push(g.groupId);
  }
  return out.sort();
}

/**
 * Redis keys a rebuild keeps: the CRM profiles (the same again from customer.profiles, and the
 * ranker needs a customer's region as soon as it ranks it) and the alerter's de-duplication
 * marks (so re-derived events are not sent to people again).
 */
export const keptOnRebuild = (prefix: string, key: string): boolean =>
  key.startsWith(profileKeyPrefix(prefix)) || key.startsWith(alertKeys(prefix).seen(''));

/** The pipeline groups that still have members: a rebuild needs every service stopped. */
export async function activeGroups(admin: Admin, groups: string[]): Promise<Array<{ groupId: string; members: number }>> {
  if (groups.length === 0) return [];
  const { groups: described } = await admin.describeGroups(groups);
  return described.filter((g) => g.members.length > 0).map((g) => ({ groupId: g.groupId, members: g.members.length }));
}

/** Deletes every key under the prefix but the kept ones; returns how many it deleted. */
export async function wipePrefix(redis: Redis, prefix: string, onProgress?: (deleted: number) => void): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
    cursor = next;
    const doomed = keys.filter((k) => !keptOnRebuild(prefix, k));
    if (doomed.length > 0) deleted += await redis.unlink(...doomed);
    onProgress?.(deleted);
  } while (cursor !== '0');
  return deleted;
}

/**
 * Deletes and recreates the derived topics (the by-customer shards, aggregates, tier changes,
 * churn risks, the DLQ), so reprocessing writes them afresh in order — compacted topics cannot
 * be truncated in place. The shards are derived too: the repartition stage, its group deleted,
 * reads billing.transactions from the earliest offset again and fills them anew.
 */
export async function recreateDerivedTopics(admin: Admin, topics: Topics, transactionsPartitions: number): Promise<string[]> {
  const derived = [topics.transactionsByCustomer, topics.aggregates, topics.tierChanges, topics.churnRisk, topics.transactionsDlq];
  const existing = new Set(await admin.listTopics());
  const doomed = derived.filter((t) => existing.has(t));
  if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
  const specs = pipelineTopicSpecs(topics, transactionsPartitions).filter((s) => derived.includes(s.topic));
  const deadline = Date.now() + 60_000;
  for (;;) {
    // deletion is asynchronous in the broker: wait until the names are free, then create
    const still = new Set(await admin.listTopics());
    if (!derived.some((t) => still.has(t))) {
      try {
        await ensureTopics(admin, specs);
        return doomed;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    } else if (Date.now() > deadline) {
      throw new Error(`topics still being deleted after 60 s: ${derived.filter((t) => still.has(t)).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Deletes the groups, so the services start again from the earliest offsets. A group that is
 * already gone is fine; one that is not empty yet (members just left) is retried for a while.
 */
export async function deleteGroups(admin: Admin, groups: string[]): Promise<void> {
  let pending = [...groups];
  const deadline = Date.now() + 60_000;
  while (pending.length > 0) {
    try {
      await admin.deleteGroups(pending);
      return;
    } catch (err) {
      const failures = (err as { groups?: Array<{ groupId: string; error?: { type?: string; message?: string } }> }).groups ?? [];
      if (failures.length === 0) throw err;
      const retry = failures.filter((f) => f.error?.type !== 'GROUP_ID_NOT_FOUND');
      if (retry.length > 0 && Date.now() > deadline) {
        throw new Error(`could not delete consumer groups: ${retry.map((f) => `${f.groupId} (${f.error?.type ?? f.error?.message ?? 'unknown'})`).join(', ')}`);
      }
      pending = retry.map((f) => f.groupId);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
