import { spawn, type ChildProcess } from 'node:child_process';
import { serviceNodeArgs } from '@tierflow/runtime/service/node-args';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess {
  name: string;
  port: number;
  child: ChildProcess;
  /** resolves when /readyz answers 200 */
  ready: () => Promise<void>;
  /** SIGKILL: no shutdown hook runs */
  kill9: () => Promise<void>;
  /** SIGTERM and wait for the exit */
  stop: () => Promise<number | null>;
  exited: () => boolean;
  /** the exit code, null when a signal ended it, undefined while it runs */
  exitCode: () => number | null | undefined;
  /** where its stdout and stderr go */
  logFile: string;
}

// children still running when the test process exits are killed, so no service outlives its test
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts a real service (services/<name>/src/main.ts) as a child process with the given
 * environment and an HTTP port of its own; its output goes to test-results/logs/.
 */
export async function startService(name: string, env: Record<string, string>, options: { nodeArgs?: string[] } = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const logDir = path.join(repoRoot, 'test-results/logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}-${Date.now()}-${port}.log`);
  const log = createWriteStream(logFile);
  // node itself with tsx as a loader (not the tsx CLI, which runs the service in a grandchild
  // that a SIGKILL of its parent would leave running): the pid is the service's own.
  const child = spawn(process.execPath, [...serviceNodeArgs(name), ...(options.nodeArgs ?? []), '--import', 'tsx', path.join(repoRoot, `services/${name}/src/main.ts`)], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    name,
    port,
    child,
    exited: () => exitCode !== undefined,
    exitCode: () => exitCode,
    logFile,
    ready: async () => {
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode} before it was ready`);
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${name} not ready within 90s`);
    },
    kill9: async () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exit;
    },
  };
}
