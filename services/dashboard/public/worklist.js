// The account manager's worklist: their accounts by tier and risk, open alerts and the care
// programme's next action; the over-limit and incomplete-profile lists (this manager or all).
import { basisValue, customerLink, el, getJson, int, money, params, scopeSelector, tierBadge, when } from '/common.js';

let scope = params.get('scope') || 'global';
let manager = params.get('manager') || '';
const status = document.getElementById('status');
const q = (o) => Object.entries(o).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

function keepUrl() {
  const url = new window.URL(window.location.href);
  url.searchParams.set('scope', scope);
  if (manager) url.searchParams.set('manager', manager);
  window.history.replaceState(null, '', url);
}

async function loadManagers() {
  const { managers } = await getJson(`/api/managers?${q({ scope })}`);
  const select = document.getElementById('manager');
  select.replaceChildren(...managers.map((m) => el('option', { value: m.name, text: `${m.name === '(none)' ? 'no account manager' : m.name} (${m.accounts})` })));
  if (!managers.some((m) => m.name === manager)) manager = managers.find((m) => m.name !== '(none)')?.name || managers[0]?.name || '';
  select.value = manager;
}

const empty = (cols, text) => el('tr', {}, el('td', { colspan: String(cols), class: 'empty', text }));

function renderWorklist(w) {
  document.getElementById('worklist-title').textContent = `Accounts of ${w.manager === '(none)' ? 'no account manager' : w.manager}`;
  document.getElementById('worklist-counts').textContent = `${int(w.counts.accounts)} accounts in ${w.scope}: ${w.counts.A} A, ${w.counts.B} B · ${w.counts.openAlerts} open alerts · as of ${when(w.asOf)}`;
  document.getElementById('worklist-basis').textContent = w.basis.label;
  const body = document.querySelector('#worklist tbody');
  body.replaceChildren(...(w.accounts.length === 0 ? [empty(7, 'no accounts')] : w.accounts.map((a) => el('tr', { 'data-customer': a.customerId, 'data-action': a.nextAction.code },
    el('td', {}, customerLink(a.customerId, a.name, scope)),
    el('td', {}, a.tier ? tierBadge(a.tier) : el('span', { class: 'badge', text: 'not ranked' })),
    el('td', { class: 'num', text: a.rank ?? '—' }),
    el('td', { class: 'num', text: basisValue(a.basisMinor, w.basis, w.currency) }),
    el('td', { class: 'num', text: a.churnScore === null ? '—' : a.churnScore.toFixed(2) }),
    el('td', { class: 'wide' }, ...(a.openAlerts.length === 0 ? [el('span', { class: 'empty', text: 'none' })] : a.openAlerts.map((x) => el('div', { class: 'alert-line' }, el('span', { class: `badge ${x.kind === 'over-limit' || x.kind === 'assign-account-manager' ? '' : 'bad'}`, text: x.kind.replace(/-/g, ' ') }), ' ', el('span', { class: 'why', text: x.text }))))),
    el('td', { class: 'wide action', text: a.nextAction.text }),
  ))));
}

function renderLists(over, incomplete) {
  document.querySelector('#over-limit tbody').replaceChildren(...(over.rows.length === 0 ? [empty(6, 'nobody over the limit')] : over.rows.map((r) => el('tr', { 'data-customer': r.customerId },
    el('td', {}, customerLink(r.customerId, r.name, scope)), el('td', { text: r.accountManager || '—' }), el('td', {}, tierBadge(r.tier)),
    el('td', { class: 'num', text: money(r.credit.limitMinor, over.currency) }), el('td', { class: 'num', text: money(r.credit.balanceMinor, over.currency) }),
    el('td', { class: 'num down', text: money(r.credit.overLimitMinor, over.currency) })))));
  document.querySelector('#incomplete tbody').replaceChildren(...(incomplete.rows.length === 0 ? [empty(4, 'every profile is complete')] : incomplete.rows.map((r) => el('tr', { 'data-customer': r.customerId },
    el('td', {}, customerLink(r.customerId, r.name, scope)), el('td', { text: r.accountManager || '—' }), el('td', {}, tierBadge(r.tier)),
    el('td', { class: 'wide missing', text: r.missingProfileFields.join(', ') })))));
}

async function load() {
  try {
    const mine = document.getElementById('lists-mine').checked ? manager : '';
    const [w, over, incomplete] = await Promise.all([
      manager ? getJson(`/api/worklist?${q({ scope, manager })}`) : Promise.resolve(null),
      getJson(`/api/lists/over-limit?${q({ scope, manager: mine })}`),
      getJson(`/api/lists/incomplete-profiles?${q({ scope, manager: mine })}`),
    ]);
    if (w) renderWorklist(w);
    renderLists(over, incomplete);
    status.textContent = `updated ${when(Date.now())}`;
    document.body.dataset.loaded = 'true';
  } catch (err) {
    status.textContent = `error: ${err.message}`;
    document.body.dataset.loaded = 'error';
  }
}

document.getElementById('manager').addEventListener('change', (ev) => { manager = ev.target.value; keepUrl(); void load(); });
document.getElementById('lists-mine').addEventListener('change', () => void load());
await scopeSelector(document.getElementById('scope'), scope, async (next) => { scope = next; await loadManagers(); keepUrl(); void load(); });
await loadManagers();
keepUrl();
await load();
window.setInterval(load, 15000);
