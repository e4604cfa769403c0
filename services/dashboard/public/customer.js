/* global Chart */
// The core customer card: profile, business figures, monthly trend, tier and rank, churn, credit.
import { day, el, getJson, int, money, params, pct, scopeSelector, tierBadge, when } from '/common.js';

const id = params.get('id') || '';
let scope = params.get('scope') || 'global';
let trendChart = null;
const status = document.getElementById('status');

function kv(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', { text: k }), v instanceof window.Node ? el('dd', {}, v) : el('dd', { text: v ?? '—' })]));
}
const orMissing = (v) => (v === null || v === undefined ? el('span', { class: 'missing', text: 'missing' }) : String(v));

function render(c) {
  const cur = c.currency || 'USD';
  document.getElementById('title').textContent = `${c.profile.name || c.customerId} (${c.customerId})`;
  const head = document.getElementById('headline');
  const t = c.tier;
  head.replaceChildren(
    el('span', { class: 'badge', text: `scope ${c.scope}` }),
    t && t.tier ? tierBadge(t.tier) : el('span', { class: 'badge', text: 'not ranked' }),
    el('span', { class: 'badge', text: t && t.rank ? `rank ${t.rank} of ${t.of}` : 'rank —' }),
    el('span', { class: 'badge', text: t && t.cumulativeShare !== null ? `cum. share ${pct(t.cumulativeShare)} (${c.basis.label})` : c.basis.label }),
    el('span', { class: 'badge', text: `strategy ${c.standing.strategy}` }),
    el('span', { class: 'badge', text: `as of ${when(c.asOf)}` }),
  );
  document.body.dataset.tier = t && t.tier ? t.tier : '';
  document.getElementById('tier-why').textContent = t ? t.explanation : 'Not ranked in this scope.';
  kv(document.getElementById('profile'), [
    ['Name', orMissing(c.profile.name)], ['Address', orMissing(c.profile.address)], ['Phone', orMissing(c.profile.phone)],
    ['Legal rep.', orMissing(c.profile.legalRepresentative)], ['Industry', orMissing(c.profile.industry)],
    ['Region', orMissing(c.profile.region)], ['Account manager', orMissing(c.profile.accountManager)],
    ['Satisfaction', c.profile.satisfactionScore === null ? '—' : pct(c.profile.satisfactionScore, 0)],
  ]);
  document.getElementById('missing').replaceChildren(
    c.missingProfileFields.length === 0 ? el('span', { class: 'badge', text: 'profile complete' }) : el('span', { class: 'badge bad', id: 'missing-fields', text: `missing: ${c.missingProfileFields.join(', ')}` }),
  );
  const row = (label, f) => el('tr', {}, el('td', { text: label }), el('td', { class: 'num', text: money(f.revenueMinor, cur) }), el('td', { class: 'num', text: money(f.profitMinor, cur) }), el('td', { class: 'num', text: pct(f.margin) }), el('td', { class: 'num', text: int(f.count) }));
  document.querySelector('#money tbody').replaceChildren(
    row('Lifetime', c.lifetime),
    row(`Ranking window (${c.ranking.windowDays ?? '?'} d)`, c.ranking),
    row(`Current window (${c.current.windowDays ?? '?'} d)`, c.current),
    row('Previous window', c.previous),
    el('tr', {}, el('td', { text: 'Growth (current vs previous)' }), el('td', { class: `num ${c.growth > 0 ? 'up' : c.growth < 0 ? 'down' : ''}`, text: pct(c.growth) }), el('td', { colspan: '3' })),
  );
  document.getElementById('activity').textContent = `First activity ${day(c.lifetime.firstActivityAt)} · last ${day(c.lifetime.lastActivityAt)} · ${int(c.lifetime.count)} transactions`;
  kv(document.getElementById('credit'), [
    ['Limit', c.credit.limitMinor === null ? orMissing(null) : money(c.credit.limitMinor, cur)],
    ['Term', c.credit.termDays === null ? orMissing(null) : `${c.credit.termDays} days`],
    ['Balance', money(c.credit.balanceMinor, cur)],
    ['Over limit', c.credit.overLimit === null ? '—' : c.credit.overLimit ? el('span', { class: 'down', text: money(c.credit.overLimitMinor, cur) }) : 'no'],
  ]);
  kv(document.getElementById('standing'), [
    ['Attractiveness', c.standing.attractiveness], ['Relationship', c.standing.relationship], ['Strategy', c.standing.strategy],
    ['Churn score', c.churn && c.churn.score !== null ? c.churn.score.toFixed(2) : '—'],
  ]);
  const signals = (c.churn?.signals || []).filter((s) => s.active);
  document.getElementById('signals').replaceChildren(...(signals.length === 0 ? [el('p', { class: 'empty', text: 'no active churn signals' })] : signals.map((s) => el('p', { class: 'signal' }, el('span', { class: 'badge bad', text: `${s.signal.toLowerCase().replace(/_/g, ' ')} · ${(s.severity || '').toLowerCase()}` }), ' ', el('span', { class: 'why', text: s.summary || '' })))));
  const history = (t && t.history) || [];
  document.querySelector('#history tbody').replaceChildren(...(history.length === 0 ? [el('tr', {}, el('td', { colspan: '5', class: 'empty', text: 'no tier changes recorded' }))] : history.map((h) => el('tr', { 'data-kind': h.kind }, el('td', { text: when(h.at) }), el('td', {}, h.kind === 'first-classification' ? el('span', { class: 'badge', text: 'new' }) : tierBadge(h.fromTier)), el('td', {}, tierBadge(h.toTier)), el('td', { class: 'num', text: h.rank ?? '—' }), el('td', { class: 'wide why', text: h.explanation || '' })))));
  const data = {
    labels: c.trend.map((m) => m.month),
    datasets: [
      { type: 'bar', label: 'revenue', data: c.trend.map((m) => m.revenueMinor / 100), backgroundColor: 'rgba(36,86,200,.6)' },
      { type: 'line', label: 'profit', data: c.trend.map((m) => m.profitMinor / 100), borderColor: '#1f7a4d', pointRadius: 2 },
    ],
  };
  if (!trendChart) {
    trendChart = new Chart(document.getElementById('trend'), { data, options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } }, scales: { y: { title: { display: true, text: cur } } } } });
  } else {
    trendChart.data = data;
    trendChart.update();
  }
}

async function load() {
  try {
    render(await getJson(`/api/customers/${encodeURIComponent(id)}?scope=${encodeURIComponent(scope)}`));
    status.textContent = `updated ${when(Date.now())}`;
    document.body.dataset.loaded = 'true';
  } catch (err) {
    status.textContent = `error: ${err.message}`;
    document.getElementById('title').textContent = err.message;
    document.body.dataset.loaded = 'error';
  }
}

document.getElementById('home').href = `/?scope=${encodeURIComponent(scope)}`;
await scopeSelector(document.getElementById('scope'), scope, (next) => {
  scope = next;
  document.getElementById('home').href = `/?scope=${encodeURIComponent(scope)}`;
  void load();
});
await load();
window.setInterval(load, 10000);
