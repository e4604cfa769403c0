// The strategy matrix (attractiveness x relationship, the CRM text's figure): counts, basis and
// revenue per cell for a scope; a click on a cell lists its customers.
import { basisValue, customerLink, el, getJson, int, money, params, scopeSelector, tierBadge, when } from '/common.js';

let scope = params.get('scope') || 'global';
let cell = params.get('cell') || '';
const status = document.getElementById('status');

function keepUrl() {
  const url = new window.URL(window.location.href);
  url.searchParams.set('scope', scope);
  if (cell) url.searchParams.set('cell', cell); else url.searchParams.delete('cell');
  window.history.replaceState(null, '', url);
}

function renderMatrix(m) {
  document.getElementById('matrix-sub').textContent = `${int(m.customers)} customers in ${m.scope} · per cell: customers, ${m.basis.label}, ranking-window revenue`;
  document.querySelector('#matrix tbody').replaceChildren(...m.rows.map((row) => el('tr', {},
    el('th', { text: row.attractiveness.toLowerCase() }),
    ...row.cells.map((c) => {
      const id = `${c.attractiveness}:${c.relationship}`;
      const button = el('button', { type: 'button', class: `cell${id === cell ? ' selected' : ''}`, 'data-cell': id, 'data-count': String(c.customers) },
        el('div', { class: 'strategy', text: c.strategy }),
        el('div', { class: 'count', text: `${int(c.customers)} ${c.customers === 1 ? 'customer' : 'customers'}` }),
        el('div', { class: 'sub', text: basisValue(c.basisMinor, m.basis, m.currency) }),
        el('div', { class: 'sub', text: `revenue ${money(c.revenueMinor, m.currency)}` }));
      button.addEventListener('click', () => { cell = id; keepUrl(); void load(); });
      return el('td', {}, button);
    }))));
}

async function renderCell() {
  const panel = document.getElementById('cell-panel');
  if (!cell) { panel.hidden = true; return; }
  const [attractiveness, relationship] = cell.split(':');
  const r = await getJson(`/api/matrix/customers?scope=${encodeURIComponent(scope)}&attractiveness=${attractiveness}&relationship=${relationship}`);
  panel.hidden = false;
  document.getElementById('cell-title').textContent = `${attractiveness.toLowerCase()} attractiveness × ${relationship.toLowerCase()} relationship: ${r.customers.length} ${r.customers.length === 1 ? 'customer' : 'customers'}`;
  document.getElementById('cell-basis').textContent = r.basis.label;
  document.querySelector('#cell-customers tbody').replaceChildren(...(r.customers.length === 0 ? [el('tr', {}, el('td', { colspan: '7', class: 'empty', text: 'no customers in this cell' }))] : r.customers.map((c) => el('tr', { 'data-customer': c.customerId },
    el('td', {}, customerLink(c.customerId, c.name, scope)), el('td', { text: c.accountManager || '—' }),
    el('td', {}, c.tier ? tierBadge(c.tier) : el('span', { class: 'badge', text: 'not ranked' })), el('td', { class: 'num', text: c.rank ?? '—' }),
    el('td', { class: 'num', text: basisValue(c.basisMinor, r.basis, r.currency) }), el('td', { class: 'num', text: c.churnScore === null ? '—' : c.churnScore.toFixed(2) }),
    el('td', { class: 'wide', text: c.nextAction.text })))));
  document.body.dataset.cell = cell;
}

async function load() {
  try {
    renderMatrix(await getJson(`/api/matrix?scope=${encodeURIComponent(scope)}`));
    await renderCell();
    status.textContent = `updated ${when(Date.now())}`;
    document.body.dataset.loaded = 'true';
  } catch (err) {
    status.textContent = `error: ${err.message}`;
    document.body.dataset.loaded = 'error';
  }
}

await scopeSelector(document.getElementById('scope'), scope, (next) => { scope = next; keepUrl(); void load(); });
keepUrl();
await load();
