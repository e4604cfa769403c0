import type { ChurnConfig } from './churn-config';
import type { ApplyResult, ChurnStore } from './churn-store';
import { batchHorizon, customersTouched, planBatch, type BatchPlan, type ChurnRecord } from '@tierflow/domain/churn/batch-planner';

/** Where a batch of records came from: the offset its commit records. Null for a live timer tick. */
export interface StepPosition {
  topic: string;
  partition: number;
  lastOffset: string;
}

/** One attempt at a batch: what it read (and the commit guards), and the plan made from it. */
export interface PlannedStep {
  position: StepPosition | null;
  plan: BatchPlan;
  versions: Map<string, number>;
  stagedVersions: Map<string, number>;
  stagedAbsent: string[];
}

/**
 * Reads what a batch needs (watermark, due timers, staged tier changes, states) and plans it.
 * Null when a timer tick finds nothing to do. The plan holds only if nothing it read moved
 * before `commitStep`: the commit's guards say whether it did.
 */
export async function planStep(params: {
  store: ChurnStore;
  config: Pick<ChurnConfig, 'timeMode' | 'thresholds' | 'standing'>;
  records: ChurnRecord[];
  position: StepPosition | null;
  now: number;
}): Promise<PlannedStep | null> {
  const { store, config, records, position, now } = params;
  const watermark = await store.watermark();
  const horizon = config.timeMode === 'live' ? now : batchHorizon(records, watermark);
  const due = await store.dueTimers(horizon);
  const tierCauses = new Set<string>();
  const causes = new Set<string>();
  for (const r of records) {
    if (r.kind === 'aggregate') causes.add(r.customerId);
    else if (r.cause) {
      causes.add(r.cause.customerId);
      tierCauses.add(r.cause.customerId);
    }
  }
  const stage = await store.loadStaged([...causes], tierCauses);
  const loaded = await store.load(customersTouched(records, stage.staged, due));
  const plan = planBatch({
    records,
    states: loaded.states,
    staged: stage.staged,
    dueTimers: due,
    satisfaction: loaded.satisfaction,
    watermark,
    timeMode: config.timeMode,
    clock: now,
    thresholds: config.thresholds,
    standing: config.standing,
  });
  if (!position && plan.states.size === 0 && plan.staged.size === 0) return null;
  return { position, plan, versions: loaded.versions, stagedVersions: stage.versions, stagedAbsent: stage.absent };
}

/** The step's atomic commit: 'conflict' when something it read moved (plan again). */
export function commitStep(store: ChurnStore, step: PlannedStep): Promise<ApplyResult> {
  const { position, plan } = step;
  return store.apply({
    topic: position?.topic ?? null,
    partition: position?.partition ?? 0,
    lastOffset: position?.lastOffset ?? '0',
    watermark: plan.watermark,
    states: plan.states,
    versions: step.versions,
    staged: plan.staged,
    stagedVersions: step.stagedVersions,
    stagedAbsent: step.stagedAbsent,
    events: plan.events,
  });
}
