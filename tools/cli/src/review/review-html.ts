import type { PopulationSummary } from '@tierflow/views/dashboard-data';
import { analyseReview } from './review-analysis';
import type { ReviewData } from './review-data';
import { reviewMarkdown } from './review-markdown';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const TIER_COLOR: Record<string, string> = { A: '#1f7a4d', B: '#c98a12', C: '#8a93a5' };

/** The Lorenz curve as inline SVG (no script: the file is a self-contained report). */
export function lorenzSvg(s: PopulationSummary, w = 360, h = 260): string {
  const pad = 34;
  const x = (v: number) => pad + v * (w - pad - 10);
  const y = (v: number) => h - pad - v * (h - pad - 10);
  const pts = [[0, 0] as [number, number], ...s.concentration.lorenz].map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="Lorenz curve">
<rect x="${pad}" y="10" width="${w - pad - 10}" height="${h - pad - 10}" fill="#fafbfc" stroke="#ddd"/>
<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#bbb" stroke-dasharray="4 4"/>
<line x1="${x(0)}" y1="${y(0.8)}" x2="${x(1)}" y2="${y(0.8)}" stroke="#1f7a4d" stroke-opacity=".5" stroke-dasharray="2 3"/>
<line x1="${x(0.2)}" y1="${y(0)}" x2="${x(0.2)}" y2="${y(1)}" stroke="#1f7a4d" stroke-opacity=".5" stroke-dasharray="2 3"/>
<polyline points="${pts}" fill="none" stroke="#2456c8" stroke-width="2"/>
<text x="${pad}" y="${h - 8}" font-size="11">0%</text><text x="${w - 40}" y="${h - 8}" font-size="11">100% customers</text>
<text x="4" y="16" font-size="11">100%</text><text x="4" y="${y(0.8) + 4}" font-size="11">80%</text>
</svg>`;
}

/** Customers and revenue share per tier as inline SVG bars. */
export function tierBarsSvg(s: PopulationSummary, w = 360, h = 260): string {
  const max = Math.max(1, ...s.tiers.map((t) => t.customers));
  const bw = (w - 60) / s.tiers.length;
  const bars = s.tiers.map((t, i) => {
    const bh = ((h - 60) * t.customers) / max;
    const bx = 40 + i * bw + 10;
    return `<rect x="${bx}" y="${h - 30 - bh}" width="${bw - 20}" height="${bh}" fill="${TIER_COLOR[t.tier] ?? '#999'}"/>
<text x="${bx + (bw - 20) / 2}" y="${h - 14}" font-size="12" text-anchor="middle">Tier ${t.tier}</text>
<text x="${bx + (bw - 20) / 2}" y="${h - 36 - bh}" font-size="11" text-anchor="middle">${t.customers} · ${(t.share * 100).toFixed(1)}%</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="tier distribution">${bars.join('\n')}</svg>`;
}

/** Minimal Markdown table/heading/paragraph -> HTML, enough for the review's own Markdown. */
function markdownToHtml(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] as string).startsWith('|')) {
        rows.push((lines[i] as string).slice(2, -2).split(' | ').map((c) => c.replace(/\\\|/g, '|')));
        i++;
      }
      i--;
      const [head, , ...body] = rows;
      out.push(`<table><thead><tr>${(head ?? []).map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    } else if (line.startsWith('### ')) out.push(`<h3>${esc(line.slice(4))}</h3>`);
    else if (line.startsWith('## ')) out.push(`<h2>${esc(line.slice(3))}</h2>`);
    else if (line.startsWith('# ')) out.push(`<h1>${esc(line.slice(2))}</h1>`);
    else if (line.trim() !== '') out.push(`<p>${esc(line).replace(/_(.+?)_/g, '<em>$1</em>')}</p>`);
  }
  return out.join('\n');
}

/** The review as one self-contained HTML file with its charts inline. Pure. */
export function reviewHtml(data: ReviewData): string {
  const f = analyseReview(data);
  const body = markdownToHtml(reviewMarkdown(data)).replace(
    '<h2>Concentration</h2>',
    `<h2>Concentration</h2><div class="charts">${lorenzSvg(data.summary)}${tierBarsSvg(data.summary)}</div>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Key-account review — ${esc(data.scope)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#1d2433}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border-bottom:1px solid #e3e6ec;padding:4px 10px;text-align:left}
th{color:#6b7385;font-weight:600}td{vertical-align:top}@media print{body{margin:0;max-width:none}table{font-size:11px}}.charts{display:flex;gap:24px;flex-wrap:wrap}.kpi{display:inline-block;margin-right:18px;padding:8px 12px;border:1px solid #e3e6ec;border-radius:8px}</style></head>
<body>
<div><span class="kpi">churning accounts: <b>${f.churning.length}</b></span><span class="kpi">declining top accounts: <b>${f.declining.length}</b></span><span class="kpi">customers moved (up / down / new): <b>${f.movements.upgrades} / ${f.movements.downgrades} / ${f.movements.firstClassifications}</b></span></div>
${body}
</body></html>
`;
}
