import type { Redis } from 'ioredis';
import type { DeadLetterReason } from '@tierflow/shared/dead-letter';
import { metaKey, partitionBase } from './aggregator-keys';
import type { OffsetEvent } from './apply-script';
import { transactionFingerprint } from './transaction-effect';

/**
 * Finds transactions whose id is already known with other content (in Redis or earlier in the
 * batch), so they are dead-lettered BEFORE the batch is recorded as applied. Reads the same
 * de-dup hashes the apply script keeps (generations txLow..txGen and the late hash).
 * Returns offset -> reason.
 */
export async function findConflicts(redis: Redis, prefix: string, partition: number, events: OffsetEvent[]): Promise<Map<string, DeadLetterReason>> {
  const out = new Map<string, DeadLetterReason>();
  if (events.length === 0) return out;
  const base = partitionBase(prefix, partition);
  const [genRaw, lowRaw] = await redis.hmget(metaKey(prefix, partition), 'txGen', 'txLow');
  const gen = Number(genRaw ?? '-1');
  const low = Math.max(Number(lowRaw ?? gen), gen - 64);
  const ids = events.map((e) => e.event.transactionId);
  const known = new Map<string, string>();
  if (gen >= 0) {
    const pipeline = redis.pipeline();
    for (let g = low; g <= gen; g++) pipeline.hmget(`${base}tx:${g}`, ...ids);
    pipeline.hmget(`${base}tx:late`, ...ids);
    for (const [, fps] of ((await pipeline.exec()) ?? []) as [Error | null, (string | null)[]][]) {
      fps.forEach((fp, i) => {
        if (fp !== null) known.set(ids[i]!, fp);
      });
    }
  }
  for (const { offset, event } of events) {
    const fp = transactionFingerprint(event);
    const seen = known.get(event.transactionId);
    if (seen === undefined) known.set(event.transactionId, fp);
    else if (seen !== fp) {
      out.set(offset, { code: 'CONFLICTING_TRANSACTION_ID', reason: `transactionId ${event.transactionId} was already applied with other content` });
    }
  }
  return out;
}
