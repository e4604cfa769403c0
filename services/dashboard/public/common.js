// Helpers shared by the dashboard's pages (plain ES modules, no build step).

export const params = new URLSearchParams(window.location.search);

/** GET a JSON API path; throws an Error with the server's reason on a non-2xx answer. */
export async function getJson(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.reason || `HTTP ${res.status}`);
  return body;
}

/** Minor units -> "$1,234.56" (or the code when it is not USD). */
export function money(minor, currency = 'USD') {
  if (minor === null || minor === undefined) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: Math.abs(minor) >= 1e7 ? 0 : 2 }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

export const pct = (x, digits = 1) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);
export const int = (x) => (x === null || x === undefined ? '—' : new Intl.NumberFormat('en-US').format(x));
export const when = (ms) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—');

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

/** Fills the scope <select> from /api/scopes and calls onChange(scope) when the user picks one. */
export async function scopeSelector(select, current, onChange) {
  const { scopes } = await getJson('/api/scopes');
  select.replaceChildren(...scopes.map((s) => el('option', { value: s, text: s === 'global' ? 'Global' : s.replace('region:', 'Region: ') })));
  select.value = scopes.includes(current) ? current : 'global';
  select.addEventListener('change', () => onChange(select.value));
}
