import { isRebalanceError } from './rebalance-error';

/**
 * Heartbeats for a batch whose steps run long. kafkajs heartbeats only when asked, so a member
 * busy with one step longer than the session timeout (a loaded machine, a long backlog step)
 * is evicted, and the group rebalances around it again and again. While a batch runs this asks
 * every `intervalMs` (kafkajs sends at most one per its heartbeat interval) and remembers a
 * rebalance it reports: the batch stops after its current step (`check()`), so the member
 * rejoins at once. Other failures are left to kafkajs's next call.
 */
export function batchHeartbeat(heartbeat: (() => Promise<void>) | undefined, intervalMs = 1_000) {
  let rebalance: unknown = null;
  const beat = () => {
    if (!heartbeat || rebalance !== null) return Promise.resolve();
    return heartbeat().catch((err: unknown) => {
      if (isRebalanceError(err)) rebalance = err;
    });
  };
  const timer = heartbeat ? setInterval(() => void beat(), intervalMs) : null;
  timer?.unref();
  return {
    /** heartbeats now (between steps), then says whether the group is rebalancing: its error, or null */
    async check(): Promise<unknown> {
      await beat();
      return rebalance;
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
  };
}
