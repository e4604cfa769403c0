import { ConfigError } from '@tierflow/shared/config-env';
import { smokeCommand } from './smoke-command';
import { stackCommand } from './stack-command';
import { UsageError } from './usage-error';

const usage = `usage: tierflow <command>

  stack up|down|status|reset   the embedded local stack (Kafka, schema registry, Redis)
  smoke                        one TransactionEvent through the registry codec and Kafka, and a Redis round trip
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  stack: stackCommand,
  smoke: smokeCommand,
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
