// Helpers shared by the dashboard's pages (plain ES modules, no build step).

export const params = new URLSearchParams(window.location.search);

/** GET a JSON API path; throws an Error with the server's reason on a non-2xx answer. */
export async function getJson(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.reason || `HTTP ${res.status}`);
  return body;
}

/** How many minor digits a currency has (USD 2, JPY 0, KWD 3), as Intl knows it. */
export function minorDigits(currency) {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

/**
 * Minor units -> "$1,234.56": always the currency's own minor digits, so every value of a column
 * has the same format (the server's shared/domain/src/explain/money-format.ts does the same).
 */
export function money(minor, currency = 'USD') {
  if (minor === null || minor === undefined) return '—';
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** A ranking-basis value in its unit: money for money bases, a plain number for a composite score. */
export const basisValue = (v, basis, currency = 'USD') => (basis && basis.money === false ? int(v) : money(v, currency));

export const pct = (x, digits = 1) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);
export const int = (x) => (x === null || x === undefined ? '—' : new Intl.NumberFormat('en-US').format(x));
/** The one time format of the pages: "2026-12-01 21:05 UTC" (the time zone always shown). */
export const when = (ms) => (ms ? `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC` : '—');
/** A date alone: "2026-12-01". */
export const day = (ms) => (ms ? new Date(ms).toISOString().slice(0, 10) : '—');

/** A text-only element (never innerHTML with data). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof window.Node ? c : document.createTextNode(String(c)));
  return node;
}

export const tierBadge = (tier) => el('span', { class: `tier tier-${tier || 'C'}`, text: tier || '—' });

export function trendCell(row) {
  const arrow = { up: '▲', down: '▼', flat: '■', new: '●' }[row.trend] || '';
  return el('span', { class: row.trend || '', text: `${arrow} ${row.growth === null || row.growth === undefined ? '' : pct(row.growth)}`.trim() });
}

/** A customer's link text: the name at a glance, the id after it. */
export function customerLink(id, name, scope) {
  const a = el('a', { href: `/customer?id=${encodeURIComponent(id)}&scope=${encodeURIComponent(scope || 'global')}`, class: 'customer' });
  a.append(el('span', { class: 'name', text: name || id }));
  if (name) a.append(' ', el('span', { class: 'id', text: id }));
  return a;
}

/** Fills the scope <select> from /api/scopes and calls onChange(scope) when the user picks one. */
export async function scopeSelector(select, current, onChange) {
  const { scopes } = await getJson('/api/scopes');
  select.replaceChildren(...scopes.map((s) => el('option', { value: s, text: s === 'global' ? 'Global' : s.replace('region:', 'Region: ') })));
  select.value = scopes.includes(current) ? current : 'global';
  select.addEventListener('change', () => onChange(select.value));
}
