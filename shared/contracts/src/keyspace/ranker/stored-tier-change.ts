/**
 * The form a TierChange takes in Redis (outbox, per-customer history, per-scope recent list):
 * a JSON array of its values in a fixed order, tagged "t1", without the eventId (rebuilt from
 * scope, customerId and causeEventId). Every tier change is written three times (outbox,
 * history, recent list) and each write also goes to the AOF; the object form repeated ~360
 * bytes of field names in each (590 bytes an event, 230 in this form), which made these lists
 * most of what Redis wrote and of what an AOF rewrite has to serialise. Still JSON: readable
 * with redis-cli. Entries written in the object form (before this format) are read as they are.
 * Pure.
 */
import { BadInputError } from '../../errors/tierflow-error';
import { tierChangeEventId, type TierChange } from '../../events/event-types';

const TAG = 't1';

/** The stored array's fields after the tag, in order (every TierChange field but the eventId). */
const FIELDS = [
  'customerId', 'scope', 'fromTier', 'toTier', 'direction', 'reason', 'rawTier', 'rank', 'populationSize', 'basisMinor',
  'cumulativeShareBefore', 'totalBasisMinor', 'tierMode', 'thresholdA', 'thresholdB', 'hysteresisMargin', 'minDwellMs',
  'boundaryCountA', 'boundaryCountB', 'boundaryBasisA', 'boundaryBasisB', 'configVersion', 'eventTime', 'causeEventId',
  'causeCustomerId',
] as const satisfies readonly Exclude<keyof TierChange, 'eventId'>[];

/** The stored form of a tier change. */
export function encodeStoredTierChange(e: TierChange): string {
  // the eventId is rebuilt on reading: one that cannot be keeps the object form
  if (e.eventId !== tierChangeEventId(e.scope, e.customerId, e.causeEventId)) return JSON.stringify(e);
  return JSON.stringify([TAG, ...FIELDS.map((f) => e[f])]);
}

/** A stored entry that is not a tier change: dead-lettered from the outbox as BAD_OUTBOX_ENTRY. */
export class StoredTierChangeError extends BadInputError<'BAD_OUTBOX_ENTRY'> {
  constructor(message: string) {
    super('BAD_OUTBOX_ENTRY', message);
    this.name = 'StoredTierChangeError';
  }
}

/** A tier change from its stored form (or from the object form of earlier versions). */
export function decodeStoredTierChange(stored: string): TierChange {
  const v = JSON.parse(stored) as unknown;
  if (!Array.isArray(v)) {
    if (v !== null && typeof v === 'object' && 'eventId' in v) return v as TierChange;
    throw new StoredTierChangeError(`not a stored tier change: ${stored.slice(0, 80)}`);
  }
  if (v[0] !== TAG || v.length !== FIELDS.length + 1) throw new StoredTierChangeError(`unknown stored tier change format: ${stored.slice(0, 80)}`);
  const e: Record<string, unknown> = {};
  FIELDS.forEach((f, i) => (e[f] = v[i + 1]));
  const change = e as Omit<TierChange, 'eventId'>;
  return { eventId: tierChangeEventId(change.scope, change.customerId, change.causeEventId), ...change };
}
