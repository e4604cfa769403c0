import { analyseReview } from './review-analysis';
import type { ReviewData } from './review-data';
import { day, money, pct, stamp } from './review-format';

const row = (cells: Array<string | number>) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;

/** The periodic key-account review as Markdown. Pure. */
export function reviewMarkdown(data: ReviewData): string {
  const f = analyseReview(data);
  const s = data.summary;
  const cur = data.currency;
  const out: string[] = [];
  out.push(`# Key-account review — ${data.scope}`, '');
  out.push(`Period ${day(data.periodStart)} to ${day(data.periodEnd)} · generated ${stamp(data.generatedAt)}${s.asOf ? ` · figures as of ${stamp(s.asOf)}` : ''}`, '');

  out.push('## Concentration', '');
  if (!s.available) out.push('_The ranker has not ranked this scope yet._', '');
  out.push(`${s.customers} customers, ${data.basis.label.toLowerCase()} ${data.basis.money ? money(s.totalBasisMinor, cur) : s.totalBasisMinor}. The top 20% of customers hold ${pct(s.concentration.top20Share)} of it; Gini ${s.concentration.gini === null ? '—' : s.concentration.gini.toFixed(3)}.`, '');
  out.push(row(['Tier', 'Customers', data.basis.label, 'Share']), row(['---', '---:', '---:', '---:']));
  for (const t of s.tiers) out.push(row([t.tier, t.customers, money(t.basisMinor, cur), pct(t.share)]));
  out.push('', `Boundaries: A from ${money(s.boundaries.aMinBasisMinor, cur)}, B from ${money(s.boundaries.bMinBasisMinor, cur)} (thresholds ${pct(s.boundaries.aThreshold, 0)} / ${pct(s.boundaries.bThreshold, 0)}).`, '');

  const who = (name: string | null, id: string) => (name ? `${name} (${id})` : id);
  out.push('## Are key customers churning?', '');
  if (f.churning.length === 0) out.push('No customer has an active churn signal.', '');
  else {
    out.push(`${f.churning.length} customers have active churn signals (as their cards show them now):`, '');
    out.push(row(['Customer', 'Account manager', 'Tier', 'Score', 'Why', 'Strategy']), row(['---', '---', '---', '---:', '---', '---']));
    for (const c of f.churning) out.push(row([who(c.name, c.customerId), c.accountManager ?? '—', c.tier ?? '—', c.score.toFixed(2), c.risks.map((x) => `${x.signal} (${x.severity}): ${x.sentence}`).join(' '), c.strategy]));
    out.push('');
  }
  out.push('### Declining value among the top accounts', '');
  if (f.declining.length === 0) out.push('No top account lost 20% or more against the previous window.', '');
  else {
    out.push(row(['Customer', 'Account manager', 'Tier', 'Change', 'Current window']), row(['---', '---', '---', '---:', '---:']));
    for (const d of f.declining) out.push(row([who(d.name, d.customerId), d.accountManager ?? '—', d.tier ?? '—', pct(d.growth), money(d.currentRevenueMinor, cur)]));
    out.push('');
  }

  const m = f.movements;
  out.push('## Tier movements', '');
  out.push(`${f.moves.length} customers moved in ${data.scope} during the period (net, one row each): ${m.upgrades} up, ${m.downgrades} down, ${m.firstClassifications} first classified; from ${m.events} tier-change events.`, '');
  if (m.byPath.length > 0) {
    out.push(row(['Move', 'Customers']), row(['---', '---:']));
    for (const p of m.byPath) out.push(row([p.path, p.count]));
    out.push('');
  }
  const list = (title: string, moves: typeof f.moves) => {
    if (moves.length === 0) return;
    out.push(`### ${title}`, '', row(['Customer', 'Account manager', 'Move', 'Rank', 'Basis', 'Events', 'Why', 'When']), row(['---', '---', '---', '---:', '---:', '---:', '---', '---']));
    for (const x of moves.slice(0, 200)) {
      out.push(row([who(x.name, x.customerId), x.accountManager ?? '—', `${x.fromTier ?? 'new'}→${x.toTier}`, x.last.rank ?? '—', money(x.last.basisMinor, cur), x.events, x.explanation, stamp(x.last.eventTime)]));
    }
    out.push('');
  };
  list('Left tier A', f.lostKeyAccounts);
  list('Entered tier A', f.newKeyAccounts);
  list('All movements', f.moves);

  out.push('## Top accounts', '');
  out.push(row(['Rank', 'Customer', 'Name', 'Region', 'Tier', data.basis.label, 'Trend']), row(['---:', '---', '---', '---', '---', '---:', '---:']));
  for (const t of data.top.slice(0, 20)) out.push(row([t.rank, t.customerId, t.name ?? '—', t.region ?? '—', t.tier ?? '—', money(t.basisMinor, cur), t.growth === null ? (t.trend ?? '—') : pct(t.growth)]));
  out.push('');
  return out.join('\n');
}
