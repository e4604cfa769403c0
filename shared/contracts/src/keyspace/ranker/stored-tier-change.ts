/**
 * The form a TierChange takes in Redis (outbox, per-customer history, per-scope recent list).
 *
 * "t3", the compact form written with the ranker's context (stored-tier-context.ts): one line
 * of `|`-separated values, `3|scope|customerId|<from><to><raw>|reason|rank|population|basis|
 * before|total|countA|countB|basisA|basisB|eventTime|cause|causeCustomer|causeOffset`, an empty
 * value for null. Numbers are written in base 36 (`Number#toString(36)`: integers up to 2^53
 * exactly, a `-` for negatives); a number that is not a safe integer is written `~` and its
 * decimal form. `before` is the basis ranked above the customer, the integer cumulativeShareBefore
 * is computed from (share = before / total, as the ranker computes it: tier-change-builder.ts),
 * written only when that division gives back the very share, else the share as a `~` number.
 * Left out, because they are rebuilt: the eventId (scope, customerId, causeEventId), the
 * direction (from the tiers), the rules and config version (the context: the same for every
 * change under a prefix), the causeCustomerId when it is the customer (empty) and the customer
 * in the causeEventId (`:<seq>` for `<causeCustomerId>:<seq>`, else `=<causeEventId>`). In a
 * customer's history (`implied`) scope and customerId are empty too: the key names them. About
 * 75 bytes a change (106 in t2, 230 in t1, 590 in the object form); redis-cli shows the line,
 * `tierflow` (the CLI) and the dashboard show the values.
 *
 * "t2", the same line with decimal numbers and the share itself (`2|...`, lines of earlier
 * versions end before causeOffset): written by earlier versions, still read.
 *
 * "t1", the form without a context: a JSON array of the values in a fixed order (every field
 * but the eventId). Written when there is no context or a change does not fit t3 (a value
 * holding `|` or a line break, constants that are not the context's, a direction or eventId
 * that cannot be rebuilt); entries in the object form of the first versions are read as they
 * are. Pure.
 */
import { BadInputError } from '../../errors/tierflow-error';
import { tierChangeEventId, type TierChange, type TierChangeReason } from '../../events/event-types';
import { TIERS, type Tier } from '../../tier';
import type { StoredTierContext } from './stored-tier-context';

const TAG = 't1';

/** The stored array's fields after the tag, in order (every TierChange field but the eventId). */
const FIELDS = [
  'customerId', 'scope', 'fromTier', 'toTier', 'direction', 'reason', 'rawTier', 'rank', 'populationSize', 'basisMinor',
  'cumulativeShareBefore', 'totalBasisMinor', 'tierMode', 'thresholdA', 'thresholdB', 'hysteresisMargin', 'minDwellMs',
  'boundaryCountA', 'boundaryCountB', 'boundaryBasisA', 'boundaryBasisB', 'configVersion', 'eventTime', 'causeEventId',
  'causeCustomerId', 'causeOffset',
] as const satisfies readonly Exclude<keyof TierChange, 'eventId'>[];

const REASONS: readonly TierChangeReason[] = ['BASIS_CHANGE', 'BOUNDARY_SHIFT', 'SCOPE_JOIN', 'SCOPE_LEAVE', 'DWELL_ELAPSED'];
/** parts of a t3 or t2 line; t2 lines of the version before causeOffset have one fewer */
const T2_PARTS = 18;
/** a number in a t3 line: base 36 for a safe integer, else `~` and its decimal form; empty for null */
const num36 = (n: number | null | undefined): string => {
  if (n === null || n === undefined) return '';
  if (Object.is(n, -0)) return '~-0';
  return Number.isSafeInteger(n) ? n.toString(36) : `~${String(n)}`;
};
const BASE36 = /^-?[0-9a-z]+$/;
/** the t3 `before` value: the integer share = before / total was computed from, when that gives back the share */
function shareBefore36(share: number | null, total: number): string {
  if (share === null) return '';
  const before = Math.round(share * total);
  if (Number.isSafeInteger(before) && total !== 0 && Object.is(before / total, share)) return before.toString(36);
  return `~${Object.is(share, -0) ? '-0' : String(share)}`;
}
const tierRank = (t: Tier) => TIERS.indexOf(t);

/** The t3 line of a change, or null when it does not fit (see above). */
function compact(e: TierChange, ctx: StoredTierContext, implied: boolean): string | null {
  const sameContext =
    e.tierMode === ctx.tierMode && e.thresholdA === ctx.thresholdA && e.thresholdB === ctx.thresholdB &&
    e.hysteresisMargin === ctx.hysteresisMargin && e.minDwellMs === ctx.minDwellMs && e.configVersion === ctx.configVersion;
  const reason = REASONS.indexOf(e.reason);
  const direction = tierRank(e.toTier) < tierRank(e.fromTier) ? 'UPGRADE' : 'DOWNGRADE';
  if (!sameContext || reason < 0 || direction !== e.direction) return null;
  const cause = e.causeEventId.startsWith(`${e.causeCustomerId}:`) ? e.causeEventId.slice(e.causeCustomerId.length) : `=${e.causeEventId}`;
  const parts = [
    '3', implied ? '' : e.scope, implied ? '' : e.customerId, `${e.fromTier}${e.toTier}${e.rawTier}`, String(reason),
    num36(e.rank), num36(e.populationSize), num36(e.basisMinor), shareBefore36(e.cumulativeShareBefore, e.totalBasisMinor), num36(e.totalBasisMinor),
    num36(e.boundaryCountA), num36(e.boundaryCountB), num36(e.boundaryBasisA), num36(e.boundaryBasisB), num36(e.eventTime),
    cause, e.causeCustomerId === e.customerId ? '' : e.causeCustomerId, num36(e.causeOffset),
  ];
  const line = parts.join('|');
  return /[|\n\r]/.test(e.scope + e.customerId + e.causeEventId + e.causeCustomerId) ? null : line;
}

/**
 * The stored form of a tier change: t3 with the ranker's context (`implied`: for a customer's
 * history, without scope and customerId), else t1.
 */
export function encodeStoredTierChange(e: TierChange, ctx?: StoredTierContext | null, implied = false): string {
  // the eventId is rebuilt on reading: one that cannot be keeps the object form
  if (e.eventId !== tierChangeEventId(e.scope, e.customerId, e.causeEventId)) return JSON.stringify(e);
  const line = ctx ? compact(e, ctx, implied) : null;
  return line ?? JSON.stringify([TAG, ...FIELDS.map((f) => e[f])]);
}

/**
 * The form of a change in its customer's history from its stored form (what
 * `encodeStoredTierChange(e, ctx, true)` gives, without encoding it again): t3 (or t2) with scope
 * and customerId left empty, the other forms as they are.
 */
export function impliedStoredTierChange(stored: string): string {
  if (!isCompact(stored)) return stored;
  const endOfScope = stored.indexOf('|', 2);
  const endOfCustomer = stored.indexOf('|', endOfScope + 1);
  return `${stored[0]}||${stored.slice(endOfCustomer)}`;
}

/** a t3 or t2 line */
const isCompact = (stored: string) => stored.startsWith('3|') || stored.startsWith('2|');

/** a value of a line: base 36 or `~decimal` in t3, decimal in t2 */
function lineValue(x: string, t3: boolean, stored: string): number {
  if (!t3) return Number(x);
  if (x.charCodeAt(0) === 126 /* ~ */) return Number(x.slice(1));
  if (!BASE36.test(x)) throw new StoredTierChangeError(`bad number ${x.slice(0, 20)} in a compact stored tier change: ${stored.slice(0, 80)}`);
  return parseInt(x, 36);
}

/** a value of a line that may be empty (null) */
function nullableValue(x: string, t3: boolean, stored: string): number | null {
  return x === '' ? null : lineValue(x, t3, stored);
}

/** t3 keeps the integer the share was computed from (see above); t2 the share */
function shareValue(x: string, total: number, t3: boolean, stored: string): number | null {
  if (x === '' || !t3 || x.charCodeAt(0) === 126) return nullableValue(x, t3, stored);
  return lineValue(x, t3, stored) / total;
}

// no closures per call: this runs for every tier change the ranker sends
function expand(stored: string, ctx: StoredTierContext | null | undefined, implied?: { scope: string; customerId: string }): TierChange {
  const v = stored.split('|');
  if (v.length !== T2_PARTS && v.length !== T2_PARTS - 1) throw new StoredTierChangeError(`unknown stored tier change format: ${stored.slice(0, 80)}`);
  if (!ctx) throw new StoredTierChangeError(`a compact stored tier change needs the ranker's context (its meta hash): ${stored.slice(0, 80)}`);
  const t3 = v[0] === '3';
  if (t3 && v.length !== T2_PARTS) throw new StoredTierChangeError(`unknown stored tier change format: ${stored.slice(0, 80)}`);
  const scope = v[1] === '' && implied ? implied.scope : (v[1] as string);
  const customerId = v[2] === '' && implied ? implied.customerId : (v[2] as string);
  const tiers = v[3] as string;
  const fromTier = tiers[0] as Tier;
  const toTier = tiers[1] as Tier;
  const rawTier = tiers[2] as Tier;
  const reason = REASONS[lineValue(v[4] as string, t3, stored)];
  if (!reason || tiers.length !== 3 || !TIERS.includes(fromTier) || !TIERS.includes(toTier) || !TIERS.includes(rawTier)) {
    throw new StoredTierChangeError(`bad compact stored tier change: ${stored.slice(0, 80)}`);
  }
  const causeCustomerId = v[16] === '' ? customerId : (v[16] as string);
  const cause = v[15] as string;
  const causeEventId = cause.charCodeAt(0) === 61 /* = */ ? cause.slice(1) : `${causeCustomerId}${cause}`;
  const total = lineValue(v[9] as string, t3, stored);
  return {
    eventId: tierChangeEventId(scope, customerId, causeEventId),
    customerId, scope, fromTier, toTier,
    direction: tierRank(toTier) < tierRank(fromTier) ? 'UPGRADE' : 'DOWNGRADE',
    reason, rawTier,
    rank: nullableValue(v[5] as string, t3, stored),
    populationSize: lineValue(v[6] as string, t3, stored),
    basisMinor: lineValue(v[7] as string, t3, stored),
    cumulativeShareBefore: shareValue(v[8] as string, total, t3, stored),
    totalBasisMinor: total,
    tierMode: ctx.tierMode, thresholdA: ctx.thresholdA, thresholdB: ctx.thresholdB, hysteresisMargin: ctx.hysteresisMargin, minDwellMs: ctx.minDwellMs,
    boundaryCountA: lineValue(v[10] as string, t3, stored),
    boundaryCountB: lineValue(v[11] as string, t3, stored),
    boundaryBasisA: nullableValue(v[12] as string, t3, stored),
    boundaryBasisB: nullableValue(v[13] as string, t3, stored),
    configVersion: ctx.configVersion, eventTime: lineValue(v[14] as string, t3, stored), causeEventId, causeCustomerId,
    causeOffset: v.length === T2_PARTS ? nullableValue(v[17] as string, t3, stored) : null,
  };
}

/** A stored entry that is not a tier change: dead-lettered from the outbox as BAD_OUTBOX_ENTRY. */
export class StoredTierChangeError extends BadInputError<'BAD_OUTBOX_ENTRY'> {
  constructor(message: string) {
    super('BAD_OUTBOX_ENTRY', message);
    this.name = 'StoredTierChangeError';
  }
}

/**
 * A tier change from its stored form: t3 or t2 (with the context it was written under;
 * `implied`: the scope and customer of the history it was read from), t1, or the object form
 * of earlier versions.
 */
export function decodeStoredTierChange(stored: string, ctx?: StoredTierContext | null, implied?: { scope: string; customerId: string }): TierChange {
  if (isCompact(stored)) return expand(stored, ctx, implied);
  let v: unknown;
  try {
    v = JSON.parse(stored) as unknown;
  } catch {
    throw new StoredTierChangeError(`not a stored tier change: ${stored.slice(0, 80)}`);
  }
  if (!Array.isArray(v)) {
    if (v !== null && typeof v === 'object' && 'eventId' in v) return v as TierChange;
    throw new StoredTierChangeError(`not a stored tier change: ${stored.slice(0, 80)}`);
  }
  // t1 arrays of the version before causeOffset have one value fewer
  if (v[0] !== TAG || (v.length !== FIELDS.length + 1 && v.length !== FIELDS.length)) throw new StoredTierChangeError(`unknown stored tier change format: ${stored.slice(0, 80)}`);
  const e: Record<string, unknown> = {};
  FIELDS.forEach((f, i) => (e[f] = v[i + 1] ?? null));
  const change = e as Omit<TierChange, 'eventId'>;
  return { eventId: tierChangeEventId(change.scope, change.customerId, change.causeEventId), ...change };
}
