/**
 * Whether a consumer is doing its job: a consumer that was behind the partition end at its last
 * batch must finish another batch soon. One that kafkajs keeps "up" but that fetches nothing
 * (a known failure mode after a broker restart) is stalled once it has been behind with no batch
 * finished for longer than the bound. A consumer at the end of every partition is idle, not
 * stalled. A partition 1 record behind counts as at its end: a transactional producer's last
 * commit marker takes an offset that no batch ever returns. Pure: the caller gives the clock.
 */
export class ConsumerProgress {
  /** records behind the end after the last batch, by topic:partition */
  readonly lags = new Map<string, number>();
  private lastProgressAt: number;

  constructor(now: number) {
    this.lastProgressAt = now;
  }

  /** A batch finished, `lag` records behind its partition's end. */
  batchDone(topicPartition: string, lag: number, now: number): void {
    this.lags.set(topicPartition, Math.max(0, lag));
    this.lastProgressAt = now;
  }

  /** A new assignment: what was known of other partitions no longer applies. */
  assigned(now: number): void {
    this.lags.clear();
    this.lastProgressAt = now;
  }

  /** Records behind at the last batches, in all (partitions at most 1 behind count as at their end). */
  get behind(): number {
    let n = 0;
    for (const lag of this.lags.values()) if (lag > 1) n += lag;
    return n;
  }

  /** Seconds since the last batch while behind, when that exceeds `maxSeconds`; else null. */
  stalledFor(now: number, maxSeconds: number): number | null {
    if (this.behind === 0) return null;
    const seconds = (now - this.lastProgressAt) / 1000;
    return seconds > maxSeconds ? seconds : null;
  }
}
