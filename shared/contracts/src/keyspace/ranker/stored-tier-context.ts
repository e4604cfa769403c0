import type { Redis } from 'ioredis';
import type { TierChange } from '../../events/event-types';
import { rankKeys } from './rank-store-keys';

/**
 * The TierChange fields that are the same for every tier change under one key prefix: the
 * rules and the config version the ranker's state was built with (the ranker refuses to run
 * state built under another config version, rank-store.ts checkConfig). The compact stored form
 * (stored-tier-change.ts, "t2") leaves them out and takes them from here: the ranker from its
 * config, readers from the ranker's meta hash (the reader below). Pure, but for that reader.
 */
export type StoredTierContext = Pick<TierChange, 'tierMode' | 'thresholdA' | 'thresholdB' | 'hysteresisMargin' | 'minDwellMs' | 'configVersion'>;

/** The context of the ranker's rules (domain TierRules: mode, thresholds, margin, dwell) and config version. */
export function tierContextOf(
  rules: { mode: TierChange['tierMode']; thresholdA: number; thresholdB: number; margin: number; minDwellMs: number },
  configVersion: string,
): StoredTierContext {
  return { tierMode: rules.mode, thresholdA: rules.thresholdA, thresholdB: rules.thresholdB, hysteresisMargin: rules.margin, minDwellMs: rules.minDwellMs, configVersion };
}

/** The meta hash field holding the context (JSON), written by the ranker's first commit of each start, in that commit. */
export const TIER_CONTEXT_FIELD = 'tierContext';

/** The context the ranker stored under `prefix` (meta hash, TIER_CONTEXT_FIELD), or null when it stored none. */
export async function readStoredTierContext(redis: Redis, prefix: string): Promise<StoredTierContext | null> {
  const raw = await redis.hget(rankKeys(prefix).meta, TIER_CONTEXT_FIELD);
  if (!raw) return null;
  try {
    const c = JSON.parse(raw) as Partial<StoredTierContext>;
    const ok = (c.tierMode === 'share' || c.tierMode === 'count') && typeof c.configVersion === 'string' &&
      [c.thresholdA, c.thresholdB, c.hysteresisMargin, c.minDwellMs].every((n) => typeof n === 'number');
    return ok ? (c as StoredTierContext) : null;
  } catch {
    return null;
  }
}
