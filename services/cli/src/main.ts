import { ConfigError } from '@tierflow/shared/config-env';
import { cardCommand } from './card-command';
import { rebuildCommand } from './rebuild-command';
import { replayCommand } from './replay-command';
import { reviewCommand } from './review-command';
import { simulateCommand } from './simulate-command';
import { smokeCommand } from './smoke-command';
import { startCommand } from './start-command';
import { topCommand } from './top-command';
import { stackCommand } from './stack-command';
import { UsageError } from './usage-error';

const usage = `usage: tierflow <command>

  start [--customers N] [--history-days D] [--rate R] [--speedup X] [--no-simulate]
                               the whole pipeline here: local stack, every service, the simulator
  stack up|down|status|reset   the embedded local stack (Kafka, schema registry, Redis)
  smoke                        one TransactionEvent through the registry codec and Kafka, and a Redis round trip
  simulate [--customers N] [--history-days D] [--rate R] [--speedup X] [--live-seconds S] [--seed N]
                               a telecom-like billing feed (profiles, history, then live events;
                               live amounts scaled so it runs X times real pace, default 1440)
  replay cdnow --file PATH     the CDNOW purchase file as billing transactions
  rebuild --yes                reset the derived state and reprocess from the earliest offsets
  card <customerId> [--scope S] [--json]
                               the core customer card (S = global or region:<name>)
  top [--limit N] [--scope S] [--json]
                               the top accounts with rank, tier and trend
  review --out FILE [--format md|html] [--scope S] [--days N]
                               the periodic key-account review (churn, tier movements, concentration)
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: startCommand,
  stack: stackCommand,
  smoke: smokeCommand,
  simulate: simulateCommand,
  replay: replayCommand,
  rebuild: rebuildCommand,
  card: cardCommand,
  top: topCommand,
  review: reviewCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command: ${name}`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`tierflow: ${err.message}\n\n${usage}`);
      process.exit(2);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`tierflow: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`tierflow: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
