import { flagBool, flagInt, flagString, parseArgs } from './cli-args';
import { money, pct } from './review/review-format';
import { resolveScope } from './scope-resolve';
import { openStore } from './store-access';
import { UsageError } from './usage-error';

export const topUsage = 'top [--limit N] [--scope global|region:<name>] [--json]';

/** `tierflow top`: the top accounts of a scope with rank, tier and trend. */
export async function topCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({
    command: 'top',
    args,
    flags: { limit: { kind: 'int', min: 1, max: 500 }, scope: { kind: 'string' }, json: { kind: 'bool' } },
  });
  if (positionals.length > 0) throw new UsageError(`top: unexpected argument ${positionals[0]}`);
  const { store, rank, close } = openStore();
  try {
    const scope = await resolveScope('top', flagString(flags, 'scope'), () => rank.scopes());
    const [rows, summary] = await Promise.all([store.top(scope, flagInt(flags, 'limit', 20)), store.summary(scope)]);
    if (flagBool(flags, 'json')) {
      process.stdout.write(`${JSON.stringify({ summary, rows }, null, 2)}\n`);
      return 0;
    }
    const a = summary.tiers.find((t) => t.tier === 'A');
    process.stdout.write(
      `${summary.scope}: ${summary.customers} customers, ${summary.basis.label.toLowerCase()} ${summary.basis.money ? money(summary.totalBasisMinor, summary.currency) : summary.totalBasisMinor}, ` +
        `${a?.customers ?? 0} in A holding ${pct(a?.share)}; top 20% hold ${pct(summary.concentration.top20Share)}\n\n`,
    );
    process.stdout.write(`${'rank'.padStart(5)}  ${'customer'.padEnd(14)} ${'name'.padEnd(26)} ${'region'.padEnd(9)} tier ${summary.basis.label.toLowerCase().padStart(20)} ${'cum.share'.padStart(9)} ${'trend'.padStart(8)}\n`);
    for (const r of rows) {
      process.stdout.write(
        `${String(r.rank).padStart(5)}  ${r.customerId.padEnd(14)} ${(r.name ?? '—').slice(0, 26).padEnd(26)} ${(r.region ?? '—').padEnd(9)} ${(r.tier ?? '—').padEnd(4)} ` +
          `${(summary.basis.money ? money(r.basisMinor, summary.currency) : String(r.basisMinor)).padStart(20)} ${pct(r.cumulativeShare).padStart(9)} ${(r.growth === null ? (r.trend ?? '—') : pct(r.growth)).padStart(8)}\n`,
      );
    }
    return 0;
  } finally {
    close();
  }
}
