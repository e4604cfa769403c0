import { incompleteProfiles, overLimit } from '@tierflow/views/portfolio/portfolio-views';
import { scopeName } from '@tierflow/contracts/scopes/scope';
import { formatMoney } from '@tierflow/domain/explain/money-format';
import { flagBool, flagString, parseArgs } from './cli-args';
import { EXIT } from './cli-error';
import { resolveScope } from './scope-resolve';
import { openStore } from './store-access';
import { UsageError } from './usage-error';

export const listsUsage = 'lists over-limit|incomplete-profiles [--manager NAME] [--scope global|region:<name>] [--json]';

/** `tierflow lists over-limit|incomplete-profiles`: the seed's own problems, per manager and scope. */
export async function listsCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({ command: 'lists', args, flags: { manager: { kind: 'string' }, scope: { kind: 'string' }, json: { kind: 'bool' } } });
  const list = positionals[0];
  if (positionals.length !== 1 || (list !== 'over-limit' && list !== 'incomplete-profiles')) throw new UsageError('lists: expected over-limit or incomplete-profiles');
  const { portfolio, rank, close } = openStore();
  try {
    const scope = await resolveScope('lists', flagString(flags, 'scope'), () => rank.scopes());
    const snap = await portfolio.snapshot(scopeName(scope));
    const manager = flagString(flags, 'manager');
    const rows = list === 'over-limit' ? overLimit(snap, manager) : incompleteProfiles(snap, manager);
    if (flagBool(flags, 'json')) {
      process.stdout.write(`${JSON.stringify({ scope: snap.scope, list, manager: manager ?? null, rows }, null, 2)}\n`);
      return EXIT.OK;
    }
    process.stdout.write(`${list} in ${snap.scope}${manager ? ` for ${manager}` : ''}: ${rows.length}\n`);
    for (const e of rows) {
      const what = list === 'over-limit'
        ? `${formatMoney(e.credit.overLimitMinor, snap.currency)} over (balance ${formatMoney(e.credit.balanceMinor, snap.currency)}, limit ${formatMoney(e.credit.limitMinor, snap.currency)})`
        : `missing ${e.missingProfileFields.join(', ')}`;
      process.stdout.write(`${(e.tier ?? '-').padEnd(2)} ${`${e.name ?? e.customerId} (${e.customerId})`.padEnd(40)} ${(e.accountManager ?? '—').padEnd(32)} ${what}\n`);
    }
    return EXIT.OK;
  } finally {
    close();
  }
}
