import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `tierflow <args>` (tools/cli/src/main.ts through tsx) and collects its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli/src/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tierflow ${args.join(' ')} timed out; stdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Environment that points the CLI at a test's own topics. */
export function topicEnv(topics: { transactions: string; profiles: string; transactionsDlq: string; aggregates: string; tierChanges: string; churnRisk: string }): NodeJS.ProcessEnv {
  return {
    TOPIC_TRANSACTIONS: topics.transactions,
    TOPIC_TRANSACTIONS_DLQ: topics.transactionsDlq,
    TOPIC_PROFILES: topics.profiles,
    TOPIC_AGGREGATES: topics.aggregates,
    TOPIC_TIER_CHANGES: topics.tierChanges,
    TOPIC_CHURN_RISK: topics.churnRisk,
  };
}
