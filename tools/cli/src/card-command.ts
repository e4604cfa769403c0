import type { CustomerCard } from '@tierflow/views/dashboard-data';
import { parseCustomerId, RequestError } from '@tierflow/contracts/scopes/request-validation';
import { parseScope } from '@tierflow/contracts/scopes/scope';
import { flagBool, flagString, parseArgs } from './cli-args';
import { money, pct, stamp } from './review/review-format';
import { resolveScope } from './scope-resolve';
import { openStore } from './store-access';
import { UsageError } from './usage-error';

export const cardUsage = 'card <customerId> [--scope global|region:<name>] [--json]';

/** `tierflow card <customerId>`: the core customer card, as on the dashboard. Exit 3 when unknown. */
export async function cardCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({ command: 'card', args, flags: { scope: { kind: 'string' }, json: { kind: 'bool' } } });
  if (positionals.length !== 1) throw new UsageError(`card: expected one customer id, got ${positionals.length}`);
  let id: string;
  try {
    id = parseCustomerId(positionals[0]);
  } catch (err) {
    if (err instanceof RequestError) throw new UsageError(`card: ${err.message}`);
    throw err;
  }
  const { store, rank, close } = openStore();
  try {
    const scope = flagString(flags, 'scope') === undefined ? parseScope(undefined) : await resolveScope('card', flagString(flags, 'scope'), () => rank.scopes());
    const card = await store.card(id, scope);
    if (!card) {
      process.stderr.write(`tierflow: no customer ${id}: no transactions and no profile were received for it\n`);
      return 3;
    }
    process.stdout.write(flagBool(flags, 'json') ? `${JSON.stringify(card, null, 2)}\n` : formatCard(card));
    return 0;
  } finally {
    close();
  }
}

/** The card as plain text for a terminal. */
export function formatCard(c: CustomerCard): string {
  const cur = c.currency ?? 'USD';
  const p = c.profile;
  const v = (x: string | number | null) => (x === null ? '(missing)' : String(x));
  const lines = [
    `${p.name ?? c.customerId} (${c.customerId}) — scope ${c.scope}${c.asOf ? `, as of ${stamp(c.asOf)}` : ''}`,
    '',
    `Tier ${c.tier?.tier ?? '—'}  rank ${c.tier?.rank ?? '—'} of ${c.tier?.of ?? '—'}  cumulative share ${pct(c.tier?.cumulativeShare)}`,
    `  ${c.tier?.explanation ?? 'Not ranked in this scope.'}`,
    `Standing: attractiveness ${c.standing.attractiveness}, relationship ${c.standing.relationship}, strategy ${c.standing.strategy}`,
    `Churn: ${c.churn ? `score ${c.churn.score?.toFixed(2) ?? '—'}; ${c.churn.signals.length === 0 ? 'no active signals' : c.churn.signals.map((s) => `${s.signal} ${s.severity ?? ''}`).join(', ')}` : 'not watched'}`,
    ...(c.churn?.signals ?? []).map((s) => `  ${s.signal}: ${s.summary ?? ''}`),
    '',
    `Profile: address ${v(p.address)}; phone ${v(p.phone)}; legal rep. ${v(p.legalRepresentative)}; industry ${v(p.industry)}`,
    `         region ${v(p.region)}; account manager ${v(p.accountManager)}`,
    c.missingProfileFields.length > 0 ? `         missing: ${c.missingProfileFields.join(', ')}` : '         profile complete',
    '',
    `                 revenue              profit               margin   tx`,
    ...([
      ['lifetime', c.lifetime],
      [`ranking ${c.ranking.windowDays ?? '?'}d`, c.ranking],
      [`current ${c.current.windowDays ?? '?'}d`, c.current],
      ['previous', c.previous],
    ] as const).map(([label, f]) => `${label.padEnd(16)} ${money(f.revenueMinor, cur).padStart(20)} ${money(f.profitMinor, cur).padStart(20)} ${pct(f.margin).padStart(8)} ${String(f.count).padStart(5)}`),
    `growth (current vs previous window): ${pct(c.growth)}`,
    '',
    `Credit: limit ${c.credit.limitMinor === null ? '(missing)' : money(c.credit.limitMinor, cur)}, term ${c.credit.termDays === null ? '(missing)' : `${c.credit.termDays} days`}, balance ${money(c.credit.balanceMinor, cur)}, over limit ${c.credit.overLimit === null ? '—' : c.credit.overLimit ? money(c.credit.overLimitMinor, cur) : 'no'}`,
    '',
    'Monthly trend:',
    ...c.trend.map((m) => `  ${m.month}  ${money(m.revenueMinor, cur).padStart(18)}  ${String(m.count).padStart(5)} tx`),
  ];
  if (c.tier && c.tier.history.length > 0) {
    lines.push('', 'Tier history:', ...c.tier.history.slice(0, 10).map((h) => `  ${stamp(h.at)}  ${h.fromTier ?? '—'} -> ${h.toTier}  rank ${h.rank ?? '—'}`));
  }
  return `${lines.join('\n')}\n`;
}
