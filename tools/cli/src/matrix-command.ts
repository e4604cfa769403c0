import { ATTRACTIVENESS_LEVELS, RELATIONSHIP_LEVELS } from '@tierflow/domain/strategy/strategy-types';
import type { Attractiveness, Relationship } from '@tierflow/contracts/events/event-types';
import { matrixCell, strategyMatrixView } from '@tierflow/views/portfolio/portfolio-views';
import { scopeName } from '@tierflow/contracts/scopes/scope';
import { formatBasis } from '@tierflow/domain/explain/basis-label';
import { formatMoney } from '@tierflow/domain/explain/money-format';
import { flagBool, flagString, parseArgs } from './cli-args';
import { EXIT } from './cli-error';
import { resolveScope } from './scope-resolve';
import { openStore } from './store-access';
import { UsageError } from './usage-error';

export const matrixUsage = 'matrix [--scope global|region:<name>] [--cell HIGH:POOR] [--json]';

/** `tierflow matrix`: the attractiveness x relationship strategy matrix with counts; --cell lists one cell's customers. */
export async function matrixCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({ command: 'matrix', args, flags: { scope: { kind: 'string' }, cell: { kind: 'string' }, json: { kind: 'bool' } } });
  if (positionals.length > 0) throw new UsageError(`matrix: unexpected argument ${positionals[0]}`);
  const cell = flagString(flags, 'cell');
  let a: Attractiveness | null = null;
  let r: Relationship | null = null;
  if (cell !== undefined) {
    const [x, y] = cell.toUpperCase().split(':');
    if (!ATTRACTIVENESS_LEVELS.includes(x as Attractiveness) || !RELATIONSHIP_LEVELS.includes(y as Relationship)) {
      throw new UsageError(`matrix: --cell is <attractiveness>:<relationship>, e.g. HIGH:POOR (attractiveness ${ATTRACTIVENESS_LEVELS.join('|')}, relationship ${RELATIONSHIP_LEVELS.join('|')})`);
    }
    a = x as Attractiveness;
    r = y as Relationship;
  }
  const { portfolio, rank, close } = openStore();
  try {
    const scope = await resolveScope('matrix', flagString(flags, 'scope'), () => rank.scopes());
    const snap = await portfolio.snapshot(scopeName(scope));
    if (a && r) {
      const rows = matrixCell(snap, a, r);
      if (flagBool(flags, 'json')) process.stdout.write(`${JSON.stringify({ scope: snap.scope, attractiveness: a, relationship: r, customers: rows }, null, 2)}\n`);
      else {
        process.stdout.write(`${a.toLowerCase()} attractiveness x ${r.toLowerCase()} relationship in ${snap.scope}: ${rows.length} customers (${portfolio.matrix[a][r]})\n`);
        for (const e of rows) process.stdout.write(`${(e.tier ?? '-').padEnd(2)} ${String(e.rank ?? '—').padStart(6)}  ${`${e.name ?? e.customerId} (${e.customerId})`.padEnd(40)} ${formatBasis(e.basisMinor, snap.basis, snap.currency).padStart(16)}  ${e.accountManager ?? '—'}\n`);
      }
      return EXIT.OK;
    }
    const m = strategyMatrixView(snap, portfolio.matrix);
    if (flagBool(flags, 'json')) {
      process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
      return EXIT.OK;
    }
    process.stdout.write(`strategy matrix of ${m.scope} (${m.customers} customers; per cell: customers, ${m.basis.label.toLowerCase()}, revenue)\n\n`);
    process.stdout.write(`${'attractiveness'.padEnd(15)}${RELATIONSHIP_LEVELS.map((x) => x.toLowerCase().padEnd(30)).join('')}\n`);
    for (const row of m.rows) {
      process.stdout.write(`${row.attractiveness.toLowerCase().padEnd(15)}${row.cells.map((c) => c.strategy.padEnd(30)).join('')}\n`);
      process.stdout.write(`${''.padEnd(15)}${row.cells.map((c) => `${c.customers} · ${formatBasis(c.basisMinor, m.basis, m.currency)} · ${formatMoney(c.revenueMinor, m.currency)}`.padEnd(30)).join('')}\n`);
    }
    return EXIT.OK;
  } finally {
    close();
  }
}
