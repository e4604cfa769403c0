/**
 * The engine's input, apart from the engine so that the engine and the tier-change builder
 * both import it (and not each other). Pure.
 */

/** One customer's new basis, as derived from a CustomerAggregate. */
export interface RankUpdate {
  customerId: string;
  /** the aggregate's per-customer seq; an update at or below the last one seen is ignored */
  seq: number;
  eventTime: number;
  /** integer (minor units) */
  basis: number;
  /** region from the profile; empty or absent means 'unassigned' */
  region?: string | null;
  /** the aggregate's eventId (customerId:seq) */
  causeEventId: string;
  /** the aggregate's offset in the ranker's input topic, when it came from one (TierChange.causeOffset) */
  causeOffset?: number | null;
}
