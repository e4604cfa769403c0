/**
 * The ranker's Redis keys (documented in docs/contracts.md, "## ranker"). All share the hash
 * tag {rk}, so one commit script touches one cluster slot. `scope` is `global` or `region:<name>`.
 */
export function rankKeys(prefix: string) {
  const p = `${prefix}{rk}:`;
  return {
    /** the common start of every key below */
    base: p,
    /** hash: `<topic>:<partition>` -> last applied offset of customer.aggregates */
    offsets: `${p}offsets`,
    /** hash: configVersion, config (JSON) */
    meta: `${p}meta`,
    /** hash: customerId -> `seq|basis|gRaw gPub gPubAt|rRaw rPub rPubAt|region` (rebuild source) */
    customers: `${p}customers`,
    /** set of scope names */
    scopes: `${p}scopes`,
    /** sorted set: member customerId, score -basis; ZRANK = 0-based rank (ties by customerId) */
    rank: (scope: string) => `${p}rank:${scope}`,
    /** hash: the population summary of a scope */
    summary: (scope: string) => `${p}summary:${scope}`,
    /**
     * hash of a scope: customerId -> the customer's tier changes in the scope, newest first, one
     * stored TierChange (stored-tier-change.ts, t3 without scope and customer) a line, capped
     * at HISTORY_LENGTH: one field a customer, not a list key each (a key costs ~190 bytes more)
     */
    history: (scope: string) => `${p}hist:${scope}`,
    /** list, newest first, of earlier builds: stored TierChange of a customer in a scope (read when the hash has none) */
    legacyHistory: (scope: string, customerId: string) => `${p}history:${scope}:${customerId}`,
    /** list, newest first: stored TierChange (stored-tier-change.ts) of a scope (capped) */
    recent: (scope: string) => `${p}recent:${scope}`,
    /** list, oldest first: stored TierChange not yet confirmed sent to Kafka */
    outbox: `${p}outbox`,
  };
}

export type RankKeys = ReturnType<typeof rankKeys>;
