/**
 * Holds a consumer's batches until its process says go, heartbeating meanwhile. A service with
 * several consumers in one group (the aggregator's apply threads) starts them together, but the
 * first JoinGroup forms a generation of its own and takes every partition; the others' joins
 * then rebalance the group, and a member busy with a backlog answers late (a long step, a whole
 * fetch of batches). Held at the gate it answers within a heartbeat: the heartbeat's rebalance
 * error ends the batch, kafkajs rejoins, and work starts once every member holds its share.
 * Open for good once `go` resolved.
 */
export function startGate(go: Promise<void>, pollMs = 250) {
  let open = false;
  void go.then(() => (open = true));
  return async (heartbeat: (() => Promise<void>) | undefined): Promise<void> => {
    while (!open) {
      await heartbeat?.(); // throws when the group rebalances: the batch ends, the member rejoins
      await Promise.race([go, new Promise((r) => setTimeout(r, pollMs))]);
    }
  };
}
