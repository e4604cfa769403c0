import { formatBasis, type BasisInfo } from './basis-label';
import { formatShare } from './money-format';
import { tierEventKind } from './tier-event-kind';

/** Everything that decides a customer's tier in a scope (the TierChange fields, or the card's). */
export interface TierFacts {
  tier: string | null;
  /** the exact tier without hysteresis, when known */
  rawTier?: string | null;
  rank: number | null;
  population: number | null;
  basisMinor: number | null;
  /** positive basis of the customers ranked before it over the scope total */
  cumulativeShareBefore: number | null;
  tierMode: string | null;
  thresholdA: number | null;
  thresholdB: number | null;
  /** how many customers are inside the A / the B threshold (the boundary ranks), when known */
  boundaryCountA?: number | null;
  boundaryCountB?: number | null;
  boundaryBasisA: number | null;
  boundaryBasisB: number | null;
  hysteresisMargin?: number | null;
  basis: BasisInfo;
  currency: string;
}

const pct0 = (x: number) => formatShare(x, x * 100 === Math.round(x * 100) ? 0 : 1);

function boundary(letter: 'A' | 'B', count: number | null | undefined, value: number | null, f: TierFacts): string {
  const at = count ? `rank ${count}` : 'its last customer';
  return `${letter} ends at ${at} (${formatBasis(value, f.basis, f.currency)})`;
}

/**
 * Why a customer is in its tier, in words: its rank, the cumulative share of the customers
 * before it against the thresholds (or the rank against the count cut-offs), and where the
 * boundaries are. Pure; the one place these sentences are built (card, feed, review, alerts).
 */
export function explainTier(f: TierFacts): string {
  if (!f.tier || f.rank === null) return 'Not ranked in this scope.';
  const head = `Tier ${f.tier}: rank ${f.rank}${f.population ? ` of ${f.population}` : ''}.`;
  if (f.basisMinor !== null && f.basisMinor <= 0) {
    return `${head} Its ${f.basis.phrase} is ${formatBasis(f.basisMinor, f.basis, f.currency)}: only a positive value can make A or B.${held(f)}`;
  }
  const a = f.thresholdA;
  const b = f.thresholdB;
  if (f.tierMode === 'count' && a !== null && b !== null && f.population) {
    const nA = Math.round(a * f.population);
    const nB = Math.round(b * f.population);
    return `${head} By count, the first ${nA} ranks (${pct0(a)} of ${f.population}) are A and the first ${nB} (${pct0(b)}) are A or B.${held(f)}`;
  }
  if (a === null || b === null || f.cumulativeShareBefore === null) return `${head}${held(f)}`;
  const before = f.rank === 1 ? 'No customer is ranked before it (0.0%)' : `The ${f.rank - 1} customers ranked before it hold ${formatShare(f.cumulativeShareBefore)} of the scope's ${f.basis.phrase}`;
  const s = f.cumulativeShareBefore;
  const raw = s < a ? 'A' : s < b ? 'B' : 'C';
  let clause: string;
  if (raw === 'A') clause = `below the A threshold of ${pct0(a)}, so it is A. ${boundary('A', f.boundaryCountA, f.boundaryBasisA, f)}.`;
  else if (raw === 'B') clause = `at or above the A threshold of ${pct0(a)} and below the B threshold of ${pct0(b)}, so it is B. ${boundary('A', f.boundaryCountA, f.boundaryBasisA, f)}; ${boundary('B', f.boundaryCountB, f.boundaryBasisB, f)}.`;
  else clause = `at or above the B threshold of ${pct0(b)}, so it is C. ${boundary('B', f.boundaryCountB, f.boundaryBasisB, f)}.`;
  return `${head} ${before}, ${clause}${held(f, raw)}`;
}

/** The hysteresis note when the published tier differs from the exact one. */
function held(f: TierFacts, computed?: string): string {
  const exact = f.rawTier ?? computed ?? null;
  if (!exact || !f.tier || exact === f.tier) return '';
  const margin = f.hysteresisMargin ? ` (margin ${formatShare(f.hysteresisMargin)})` : '';
  return ` The exact tier is ${exact}; hysteresis${margin} keeps the published tier at ${f.tier} until the customer is clearly past the boundary.`;
}

/** The TierChange record's fields the sentence reads (schemas/TierChange.avsc). */
export interface TierChangeFacts {
  customerId: string;
  scope: string;
  fromTier: string;
  toTier: string;
  direction: string;
  reason: string;
  rawTier?: string | null;
  rank: number | null;
  populationSize: number;
  basisMinor: number;
  cumulativeShareBefore: number | null;
  tierMode: string;
  thresholdA: number;
  thresholdB: number;
  hysteresisMargin?: number;
  boundaryCountA?: number;
  boundaryCountB?: number;
  boundaryBasisA: number | null;
  boundaryBasisB: number | null;
}

/** A tier-change event in words: what happened (first classification, up, down, left) and why. */
export function explainTierChange(e: TierChangeFacts, basis: BasisInfo, currency: string, name?: string | null): string {
  const who = name ? `${name}` : e.customerId;
  const kind = tierEventKind(e);
  if (kind === 'left-scope') return `${who} left ${e.scope} (was tier ${e.fromTier}).`;
  const why = explainTier({
    tier: e.toTier, rawTier: e.rawTier ?? null, rank: e.rank, population: e.populationSize, basisMinor: e.basisMinor,
    cumulativeShareBefore: e.cumulativeShareBefore, tierMode: e.tierMode, thresholdA: e.thresholdA, thresholdB: e.thresholdB,
    boundaryCountA: e.boundaryCountA ?? null, boundaryCountB: e.boundaryCountB ?? null, boundaryBasisA: e.boundaryBasisA,
    boundaryBasisB: e.boundaryBasisB, hysteresisMargin: e.hysteresisMargin ?? null, basis, currency,
  });
  const cause = e.reason === 'BOUNDARY_SHIFT' ? ' (other customers moved the boundary)' : e.reason === 'DWELL_ELAPSED' ? ' (after the minimum dwell)' : '';
  const what =
    kind === 'first-classification'
      ? `${who} was first classified as ${e.toTier} in ${e.scope}`
      : `${who} moved ${kind === 'upgrade' ? 'up' : 'down'} from ${e.fromTier} to ${e.toTier} in ${e.scope}${cause}`;
  return `${what}. ${why}`;
}
