import { RequestError } from '@tierflow/contracts/scopes/request-validation';
import { parseScope, scopeName, type Scope } from '@tierflow/contracts/scopes/scope';
import { CliError, EXIT } from './cli-error';
import { UsageError } from './usage-error';

/**
 * A --scope value checked against the scopes the ranker has: a malformed one is a usage error
 * (exit 2), one the ranker does not know exits 3 and lists the known ones, and no scopes at all
 * means the ranker has ranked nothing yet (exit 5). `known` lists the ranker's own scopes.
 */
export async function resolveScope(command: string, raw: string | undefined, known: () => Promise<string[]>): Promise<Scope> {
  let scope: Scope;
  try {
    scope = parseScope(raw);
  } catch (err) {
    if (err instanceof RequestError) throw new UsageError(`${command}: ${err.message}`);
    throw err;
  }
  const scopes = await known();
  const name = scopeName(scope);
  if (scopes.length === 0) throw new CliError(`${command}: no ranking yet (no scopes in Redis): is the ranker running, with the same REDIS_KEY_PREFIX?`, EXIT.NO_DATA);
  if (!scopes.includes(name)) throw new CliError(`${command}: unknown scope ${name}; known scopes: ${scopes.join(', ')}`, EXIT.NOT_FOUND);
  return scope;
}
