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
  out.push(`${s.customers} customers, ranking revenue ${money(s.totalBasisMinor, cur)}. The top 20% of customers hold ${pct(s.concentration.top20Share)} of it; Gini ${s.concentration.gini === null ? '—' : s.concentration.gini.toFixed(3)}.`, '');
  out.push(row(['Tier', 'Customers', 'Revenue', 'Share']), row(['---', '---:', '---:', '---:']));
  for (const t of s.tiers) out.push(row([t.tier, t.customers, money(t.basisMinor, cur), pct(t.share)]));
  out.push('', `Boundaries: A from ${money(s.boundaries.aMinBasisMinor, cur)}, B from ${money(s.boundaries.bMinBasisMinor, cur)} (thresholds ${pct(s.boundaries.aThreshold, 0)} / ${pct(s.boundaries.bThreshold, 0)}).`, '');

  out.push('## Are key customers churning?', '');
  if (f.churning.length === 0) out.push('No key (A/B) customer has an active churn signal.', '');
  else {
    out.push(`${f.churning.length} key customers have active churn signals:`, '');
    out.push(row(['Customer', 'Tier', 'Score', 'Signals', 'Strategy']), row(['---', '---', '---:', '---', '---']));
    for (const c of f.churning) out.push(row([c.customerId, c.tier, c.score.toFixed(2), c.signals.map((x) => `${x.signal} (${x.severity})`).join(', '), c.strategy]));
    out.push('');
  }
  out.push('### Declining value among the top accounts', '');
  if (f.declining.length === 0) out.push('No top account lost 20% or more against the previous window.', '');
  else {
    out.push(row(['Customer', 'Name', 'Tier', 'Change', 'Current window']), row(['---', '---', '---', '---:', '---:']));
    for (const d of f.declining) out.push(row([d.customerId, d.name ?? '—', d.tier ?? '—', pct(d.growth), money(d.currentRevenueMinor, cur)]));
    out.push('');
  }

  out.push('## Tier movements', '');
  out.push(`${f.movements.upgrades} upgrades and ${f.movements.downgrades} downgrades in ${data.scope} during the period.`, '');
  if (f.movements.byPath.length > 0) {
    out.push(row(['Move', 'Count']), row(['---', '---:']));
    for (const p of f.movements.byPath) out.push(row([p.path, p.count]));
    out.push('');
  }
  const list = (title: string, changes: typeof f.lostKeyAccounts) => {
    if (changes.length === 0) return;
    out.push(`### ${title}`, '', row(['Customer', 'Move', 'Rank', 'Basis', 'Reason', 'When']), row(['---', '---', '---:', '---:', '---', '---']));
    for (const c of changes.slice(0, 25)) out.push(row([c.customerId, `${c.fromTier}→${c.toTier}`, c.rank ?? '—', money(c.basisMinor, cur), c.reason, stamp(c.eventTime)]));
    out.push('');
  };
  list('Left tier A', f.lostKeyAccounts);
  list('Entered tier A', f.newKeyAccounts);

  out.push('## Top accounts', '');
  out.push(row(['Rank', 'Customer', 'Name', 'Region', 'Tier', 'Ranking revenue', 'Trend']), row(['---:', '---', '---', '---', '---', '---:', '---:']));
  for (const t of data.top.slice(0, 20)) out.push(row([t.rank, t.customerId, t.name ?? '—', t.region ?? '—', t.tier ?? '—', money(t.basisMinor, cur), t.growth === null ? (t.trend ?? '—') : pct(t.growth)]));
  out.push('');
  return out.join('\n');
}
