/* global Chart */
// The live page: KPI tiles, Lorenz curve, tier distribution, top accounts and the live feed (SSE).
import { basisValue, customerLink, el, getJson, int, money, params, pct, scopeSelector, tierBadge, trendCell, when } from '/common.js';

const TIER_COLORS = { A: '#1f7a4d', B: '#c98a12', C: '#8a93a5' };
let scope = params.get('scope') || 'global';
let lorenzChart = null;
let tierChart = null;
let source = null;
let basis = null;
let currency = 'USD';
const status = document.getElementById('status');
const text = (id, value) => { document.getElementById(id).textContent = value; };

function renderSummary(s) {
  const a = s.tiers.find((t) => t.tier === 'A') || { customers: 0, share: 0 };
  basis = s.basis || null;
  currency = s.currency || 'USD';
  const label = basis ? basis.label : 'Ranking basis';
  text('kpi-total-label', label);
  text('top-basis-label', label);
  document.body.dataset.basis = basis ? basis.basis : '';
  text('kpi-customers', int(s.customers));
  text('kpi-customers-sub', s.available ? `scope ${s.scope}` : 'no ranking yet for this scope');
  text('kpi-total', basisValue(s.totalBasisMinor, basis, currency));
  text('kpi-a', int(a.customers));
  text('kpi-a-sub', `${pct(s.customers ? a.customers / s.customers : null)} of customers, ${pct(a.share)} of the basis`);
  text('kpi-top20', pct(s.concentration.top20Share));
  text('kpi-gini', s.concentration.gini === null ? '—' : s.concentration.gini.toFixed(3));
  text('kpi-boundary', basisValue(s.boundaries.aMinBasisMinor, basis, currency));
  text('kpi-boundary-sub', `B from ${basisValue(s.boundaries.bMinBasisMinor, basis, currency)} · thresholds ${pct(s.boundaries.aThreshold, 0)}/${pct(s.boundaries.bThreshold, 0)}`);

  const points = s.concentration.lorenz.map(([x, y]) => ({ x: x * 100, y: y * 100 }));
  const lorenzData = {
    datasets: [
      { label: 'cumulative revenue share', data: points, borderColor: '#2456c8', backgroundColor: 'rgba(36,86,200,.12)', fill: true, pointRadius: 0, tension: 0.15 },
      { label: 'equality', data: [{ x: 0, y: 0 }, { x: 100, y: 100 }], borderColor: '#bbb', borderDash: [4, 4], pointRadius: 0 },
      { label: '80%', data: [{ x: 0, y: 80 }, { x: 100, y: 80 }], borderColor: 'rgba(31,122,77,.5)', borderDash: [2, 3], pointRadius: 0 },
    ],
  };
  if (!lorenzChart) {
    lorenzChart = new Chart(document.getElementById('lorenz'), {
      type: 'line',
      data: lorenzData,
      options: {
        animation: false, maintainAspectRatio: false, parsing: false,
        scales: {
          x: { type: 'linear', min: 0, max: 100, title: { display: true, text: '% of customers (largest first)' } },
          y: { min: 0, max: 100, title: { display: true, text: '% of revenue' } },
        },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    });
  } else {
    lorenzChart.data = lorenzData;
    lorenzChart.update();
  }
  const tierData = {
    labels: s.tiers.map((t) => `Tier ${t.tier}`),
    datasets: [
      { label: 'customers', data: s.tiers.map((t) => t.customers), backgroundColor: s.tiers.map((t) => TIER_COLORS[t.tier]), yAxisID: 'y' },
      { label: 'revenue share %', data: s.tiers.map((t) => +(t.share * 100).toFixed(1)), backgroundColor: s.tiers.map((t) => `${TIER_COLORS[t.tier]}66`), yAxisID: 'y1' },
    ],
  };
  if (!tierChart) {
    tierChart = new Chart(document.getElementById('tiers'), {
      type: 'bar',
      data: tierData,
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: 'customers' } }, y1: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: '% revenue' } } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    });
  } else {
    tierChart.data = tierData;
    tierChart.update();
  }
}

function renderTop(rows) {
  const body = document.querySelector('#top tbody');
  if (rows.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: '9', class: 'empty', text: 'no ranked customers in this scope yet' })));
    return;
  }
  body.replaceChildren(...rows.map((r) => el('tr', { 'data-customer': r.customerId },
    el('td', { class: 'num', text: String(r.rank) }),
    el('td', {}, el('a', { href: `/customer?id=${encodeURIComponent(r.customerId)}&scope=${encodeURIComponent(scope)}`, text: r.customerId })),
    el('td', { class: 'wide', text: r.name || '—' }),
    el('td', { text: r.region || '—' }),
    el('td', {}, tierBadge(r.tier)),
    el('td', { class: 'num', text: basisValue(r.basisMinor, basis, currency) }),
    el('td', { class: 'num', text: pct(r.cumulativeShare) }),
    el('td', { class: 'num', text: money(r.currentRevenueMinor, currency) }),
    el('td', {}, trendCell(r)),
  )));
}

function feedLine(item) {
  const e = item.event;
  const li = el('li', { 'data-event-id': e.eventId || '', 'data-customer': e.customerId || '', class: `${item.type}-item` });
  const head = el('div', { class: 'feed-head' });
  head.append(el('span', { class: `kind kind-${item.type}`, text: item.type === 'tier-change' ? 'TIER' : 'CHURN' }));
  head.append(customerLink(e.customerId, item.name, scope));
  if (item.type === 'tier-change') {
    const first = e.reason === 'SCOPE_JOIN';
    head.append(' ', first ? el('span', { class: 'badge', text: 'new' }) : tierBadge(e.fromTier), ' → ', tierBadge(e.toTier));
    head.append(el('span', { class: 'move', text: first ? ` first classified in ${e.scope}` : ` ${e.direction === 'UPGRADE' ? 'up' : 'down'} in ${e.scope}` }));
  } else {
    head.append(el('span', { class: 'move', text: ` ${String(e.status).toLowerCase()} · ${String(e.severity).toLowerCase()}` }));
  }
  head.append(el('span', { class: 'when', text: when(e.eventTime || item.receivedAt) }));
  li.append(head);
  if (item.explanation) li.append(el('div', { class: 'why', text: item.explanation }));
  return li;
}

function addFeed(item, fresh) {
  const list = document.getElementById(`feed-${item.type}`);
  list.querySelector('.empty')?.remove();
  const li = feedLine(item);
  if (fresh) li.classList.add('fresh');
  list.prepend(li);
  while (list.children.length > 100) list.lastElementChild.remove();
}

async function refresh() {
  try {
    const [summary, top] = await Promise.all([getJson(`/api/summary?scope=${encodeURIComponent(scope)}`), getJson(`/api/top?scope=${encodeURIComponent(scope)}&limit=20`)]);
    renderSummary(summary);
    renderTop(top.rows);
    status.textContent = `updated ${when(Date.now())}`;
    document.body.dataset.loaded = 'true';
  } catch (err) {
    status.textContent = `error: ${err.message}`;
  }
}

async function connectFeed() {
  source?.close();
  document.getElementById('feed-tier-change').replaceChildren(el('li', { class: 'empty', text: 'waiting for tier changes…' }));
  document.getElementById('feed-churn-risk').replaceChildren(el('li', { class: 'empty', text: 'waiting for churn risks…' }));
  for (const type of ['tier-change', 'churn-risk']) {
    const recent = await getJson(`/api/feed?scope=${encodeURIComponent(scope)}&type=${type}&limit=50`);
    for (const item of recent.items.reverse()) addFeed(item, false);
  }
  source = new EventSource(`/events?scope=${encodeURIComponent(scope)}`);
  source.addEventListener('tier-change', (m) => addFeed(JSON.parse(m.data), true));
  source.addEventListener('churn-risk', (m) => addFeed(JSON.parse(m.data), true));
  source.addEventListener('open', () => { document.body.dataset.feed = 'open'; });
}

document.getElementById('lookup').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const id = document.getElementById('lookup-id').value.trim();
  if (id) window.location.href = `/customer?id=${encodeURIComponent(id)}&scope=${encodeURIComponent(scope)}`;
});

await scopeSelector(document.getElementById('scope'), scope, (next) => {
  scope = next;
  const url = new window.URL(window.location.href);
  url.searchParams.set('scope', scope);
  window.history.replaceState(null, '', url);
  void refresh();
  void connectFeed();
});
await refresh();
await connectFeed();
window.setInterval(refresh, 5000);
