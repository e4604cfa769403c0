/** The planner's input and settings types (batch-plan.ts, classify-batch.ts). Pure. */
export interface PreparedEvent {
  off: number;
  tx: string;
  fp: string;
  id: string;
  at: number;
  day: number;
  month: string;
  rev: number;
  cost: number;
  bal: number;
  kind: 'C' | 'R' | 'A' | 'P';
  /** the hash fields of its month and day ('m:<YYYYMM>', 'd:<day>'), when made once per day (prepare-event.ts) */
  monthField?: string;
  dayField?: string;
}

/** The partition's meta hash: applied offset of this topic-partition, clock, de-dup generations. */
export interface PartitionMeta {
  applied: number;
  maxEvent: number;
  endDay: number;
  txGen: number;
  txLow: number;
  /** per source partition, the highest source offset applied (repartition/source-fence.ts) */
  sources?: Map<string, number>;
}

/**
 * The window settings, in the one shape the aggregator's config builds and the planner reads
 * (CURRENT_WINDOW_DAYS, RANKING_WINDOW_DAYS, ALLOWED_LATENESS_HOURS, DEDUPE_GENERATION_DAYS,
 * DEDUPE_HORIZON_DAYS); a step adds its clock (WindowParams).
 */
export type WindowSettings = Omit<WindowParams, 'clockMs'>;

export interface WindowParams {
  currentDays: number;
  rankingDays: number;
  latenessMs: number;
  genDays: number;
  /**
   * the de-dup horizon: a resend is recognised for at least this many days of partition time
   * after its original (default genDays: the generation and the one before it)
   */
  horizonDays?: number;
  /** wall clock in live mode, 0 in replay mode */
  clockMs: number;
}

/** What an event does: 0 duplicate, 1 conflict, 2 applied, 3 applied late. */
export type Verdict = 0 | 1 | 2 | 3;
