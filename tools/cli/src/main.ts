import { readFileSync } from 'node:fs';
import { ConfigError } from '@tierflow/runtime/config/config-env';
import { cardCommand } from './card-command';
import { CliError, EXIT, isUnreachable } from './cli-error';
import { commandHelp, overview } from './command-help';
import { listsCommand } from './lists-command';
import { matrixCommand } from './matrix-command';
import { rebuildCommand } from './rebuild-command';
import { replayCommand } from './replay-command';
import { reviewCommand } from './review-command';
import { simulateCommand } from './simulate-command';
import { smokeCommand } from './smoke-command';
import { startCommand } from './start-command';
import { tailCommand } from './tail-command';
import { topCommand } from './top-command';
import { stackCommand } from './stack-command';
import { UsageError } from './usage-error';
import { worklistCommand } from './worklist-command';

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: startCommand,
  stack: stackCommand,
  smoke: smokeCommand,
  simulate: simulateCommand,
  replay: replayCommand,
  rebuild: rebuildCommand,
  card: cardCommand,
  top: topCommand,
  worklist: worklistCommand,
  lists: listsCommand,
  matrix: matrixCommand,
  review: reviewCommand,
  tail: tailCommand,
};

/** The version of the root package.json. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

let current = '';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`tierflow ${version()}\n`);
    return EXIT.OK;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    const text = topic ? commandHelp(topic) : overview(version());
    if (!text) throw new UsageError(`unknown command: ${topic}`);
    process.stdout.write(text);
    return name ? EXIT.OK : EXIT.USAGE;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command: ${name}`);
  current = name;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(name) ?? overview(version()));
    return EXIT.OK;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      const help = current ? commandHelp(current) : null;
      process.stderr.write(`tierflow: ${err.message}\n\n${help ?? overview(version())}`);
      process.exit(EXIT.USAGE);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`tierflow: ${err.message}\n`);
      process.exit(EXIT.USAGE);
    }
    if (err instanceof CliError) {
      process.stderr.write(`tierflow: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (isUnreachable(err)) {
      process.stderr.write(`tierflow: cannot reach a server: ${err instanceof Error ? err.message : String(err)} (is the stack up? npm run stack:status)\n`);
      process.exit(EXIT.UNAVAILABLE);
    }
    process.stderr.write(`tierflow: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.FAILURE);
  },
);
