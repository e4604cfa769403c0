/** Number formatting shared by the review renderers. */
export function money(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '—';
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);

export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
