/**
 * Money in minor units as people read it: one format per currency, with the currency's own
 * number of minor digits (USD 2, JPY 0, KWD 3), so a column never mixes "$106,541" and
 * "$24,961.79". Pure.
 */
const digitsCache = new Map<string, number>();

/** How many minor digits a currency has (ISO 4217 through Intl); 2 for an unknown code. */
export function minorDigits(currency: string): number {
  const hit = digitsCache.get(currency);
  if (hit !== undefined) return hit;
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  digitsCache.set(currency, digits);
  return digits;
}

/** One formatter per currency: building an Intl.NumberFormat costs ~100x a format call. */
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterOf(currency: string, digits: number): Intl.NumberFormat | null {
  let f = formatters.get(currency);
  if (f !== undefined) return f;
  try {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  } catch {
    f = null; // not a currency Intl knows: plain digits and the code
  }
  formatters.set(currency, f);
  return f;
}

/** minor units -> "$1,234.50" (en-US), "—" for null. */
export function formatMoney(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—';
  const digits = minorDigits(currency);
  const major = minor / 10 ** digits;
  const f = formatterOf(currency, digits);
  return f ? f.format(major) : `${major.toFixed(digits)} ${currency}`;
}

/** A ratio as a percentage with one decimal: 0.8 -> "80.0%". */
export const formatShare = (ratio: number | null | undefined, digits = 1): string =>
  ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '—' : `${(ratio * 100).toFixed(digits)}%`;

/** A duration in days with one decimal: "7.6 days" ("1.0 day" stays plural-free only at exactly 1). */
export function formatDays(ms: number): string {
  const d = Math.round((ms / 86_400_000) * 10) / 10;
  return `${d.toFixed(1)} ${d === 1 ? 'day' : 'days'}`;
}
