/**
 * Whether an error of a consumer's heartbeat says the group is rebalancing or no longer knows
 * this member (the types kafkajs's runner answers by joining again). A handler that finds one
 * between the steps of a long batch stops there: the member cannot rejoin until its batches
 * return, and every other member waits for it (up to the rebalance timeout, after which the
 * coordinator evicts it and rebalances once more). What it committed stays; the new owner of
 * the partition goes on from the position in Redis. Pure.
 */
export function isRebalanceError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const type = (err as { type?: unknown }).type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID';
}
