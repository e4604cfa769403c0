import { formatMoney } from './money-format';

/** The ranker's RANKING_BASIS values (shared/domain/src/ranking/ranking-basis.ts). */
export type BasisName = 'window-revenue' | 'window-profit' | 'lifetime-revenue' | 'composite';

/** What the ranking basis is called on pages and in sentences, and whether it is money. */
export interface BasisInfo {
  basis: BasisName;
  /** column heading, e.g. "Revenue (90 d)" or "Composite score" */
  label: string;
  /** inside a sentence, e.g. "revenue of the last 90 days" */
  phrase: string;
  money: boolean;
}

const BASES = new Set<string>(['window-revenue', 'window-profit', 'lifetime-revenue', 'composite']);

/** The label of a basis; an unknown or missing name falls back to window revenue (the ranker's default). */
export function basisInfo(basis: string | null | undefined, rankingWindowDays: number): BasisInfo {
  const name = (basis && BASES.has(basis) ? basis : 'window-revenue') as BasisName;
  switch (name) {
    case 'window-profit':
      return { basis: name, label: `Profit (${rankingWindowDays} d)`, phrase: `profit of the last ${rankingWindowDays} days`, money: true };
    case 'lifetime-revenue':
      return { basis: name, label: 'Lifetime revenue', phrase: 'lifetime revenue', money: true };
    case 'composite':
      return { basis: name, label: 'Composite score', phrase: 'composite score', money: false };
    default:
      return { basis: name, label: `Revenue (${rankingWindowDays} d)`, phrase: `revenue of the last ${rankingWindowDays} days`, money: true };
  }
}

/** A basis value in its own unit: money for money bases, a plain integer for a composite score. */
export function formatBasis(value: number | null | undefined, info: BasisInfo, currency: string): string {
  if (value === null || value === undefined) return '—';
  return info.money ? formatMoney(value, currency) : new Intl.NumberFormat('en-US').format(value);
}
