import { managers, NO_MANAGER, worklist } from '@tierflow/views/portfolio/portfolio-views';
import { scopeName } from '@tierflow/contracts/scopes/scope';
import { formatBasis } from '@tierflow/domain/explain/basis-label';
import { flagBool, flagString, parseArgs } from './cli-args';
import { CliError, EXIT } from './cli-error';
import { resolveScope } from './scope-resolve';
import { openStore } from './store-access';
import { UsageError } from './usage-error';

export const worklistUsage = 'worklist --manager NAME [--scope global|region:<name>] [--json]';

/**
 * `tierflow worklist --manager NAME`: an account manager's accounts by tier and risk, open
 * alerts and the care programme's next action (the dashboard's /worklist). Without --manager it
 * lists the managers. An unknown manager exits 3.
 */
export async function worklistCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({ command: 'worklist', args, flags: { manager: { kind: 'string' }, scope: { kind: 'string' }, json: { kind: 'bool' } } });
  if (positionals.length > 0) throw new UsageError(`worklist: unexpected argument ${positionals[0]}`);
  const { portfolio, rank, close } = openStore();
  try {
    const scope = await resolveScope('worklist', flagString(flags, 'scope'), () => rank.scopes());
    const snap = await portfolio.snapshot(scopeName(scope));
    const all = managers(snap);
    const manager = flagString(flags, 'manager');
    if (manager === undefined) {
      if (flagBool(flags, 'json')) process.stdout.write(`${JSON.stringify({ scope: snap.scope, managers: all }, null, 2)}\n`);
      else for (const m of all) process.stdout.write(`${String(m.accounts).padStart(6)}  ${m.name}\n`);
      return EXIT.OK;
    }
    if (!all.some((m) => m.name === manager)) {
      throw new CliError(`worklist: no account manager ${manager} in ${snap.scope}; known: ${all.map((m) => m.name).slice(0, 50).join(', ')}`, EXIT.NOT_FOUND);
    }
    const rows = worklist(snap, manager);
    if (flagBool(flags, 'json')) {
      process.stdout.write(`${JSON.stringify({ scope: snap.scope, manager, accounts: rows }, null, 2)}\n`);
      return EXIT.OK;
    }
    const title = manager === NO_MANAGER ? 'accounts without an account manager' : `accounts of ${manager}`;
    process.stdout.write(`${title} in ${snap.scope}: ${rows.length}\n\n`);
    for (const e of rows) {
      process.stdout.write(`${(e.tier ?? '-').padEnd(2)} ${String(e.rank ?? '—').padStart(6)}  ${`${e.name ?? e.customerId} (${e.customerId})`.padEnd(40)} ${formatBasis(e.basisMinor, snap.basis, snap.currency).padStart(16)}  churn ${e.churnScore === null ? '—   ' : e.churnScore.toFixed(2)}\n`);
      process.stdout.write(`       next: ${e.nextAction.text}\n`);
      for (const a of e.openAlerts) process.stdout.write(`       alert ${a.kind}${a.severity ? ` (${a.severity})` : ''}: ${a.text}\n`);
    }
    return EXIT.OK;
  } finally {
    close();
  }
}
