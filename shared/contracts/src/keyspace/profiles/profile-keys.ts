/**
 * The customer profile hashes: `<prefix>profile:<customerId>`, one hash per customer with the
 * CustomerProfile fields (schemas/CustomerProfile.avsc) that were present, as strings.
 * Written only by services/aggregator (its profile consumer, from customer.profiles, through
 * profile-store.ts); read by the ranker (region), churn-watch (satisfactionScore), the alerter
 * (accountManager, name), the dashboard's live feed, shared/views (the card, the lists) and the
 * CLI (start waits for them; a rebuild keeps them). `prefix` is REDIS_KEY_PREFIX. Pure.
 */

/** What every profile key starts with (for scans and for keeping profiles on a rebuild). */
export const profileKeyPrefix = (prefix: string) => `${prefix}profile:`;

/** The profile hash of one customer. */
export const profileKey = (prefix: string, customerId: string) => `${profileKeyPrefix(prefix)}${customerId}`;
