import { spawn, type ChildProcess } from 'node:child_process';
import { serviceNodeArgs } from '@tierflow/runtime/service/node-args';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';

/** The pipeline's services, in start order: producers of state before their readers. */
export const PIPELINE_SERVICES = ['aggregator', 'ranker', 'churn-watch', 'alerter', 'dashboard'] as const;

export interface RunningService {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** resolves with the exit code (or signal name) when the process ends */
  exited: Promise<number | string>;
}

/**
 * A service's environment. TIERFLOW_INSTANCE gives each service of one pipeline its own consumer
 * group (`tierflow-<name>-<instance>`), so two pipelines can share a Kafka cluster.
 */
export function serviceEnv(name: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const instance = env.TIERFLOW_INSTANCE;
  return instance ? { ...env, KAFKA_GROUP_ID: `tierflow-${name}-${instance}` } : env;
}

/** Which services have an entry point (services/<name>/src/main.ts) in this checkout. */
export function availableServices(repoRoot: string, names: readonly string[] = PIPELINE_SERVICES) {
  return names.map((name) => {
    const entry = path.join(repoRoot, 'services', name, 'src', 'main.ts');
    return { name, entry, exists: existsSync(entry) };
  });
}

/**
 * Starts `tsx services/<name>/src/main.ts` as a child in this process group (so Ctrl-C in the
 * terminal reaches it too), its output appended to its own log file.
 */
export function startService(params: { name: string; entry: string; repoRoot: string; logDir: string; env: NodeJS.ProcessEnv }): RunningService {
  mkdirSync(params.logDir, { recursive: true });
  const logFile = path.join(params.logDir, `${params.name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...serviceNodeArgs(params.name), '--import', 'tsx', params.entry], {
    cwd: params.repoRoot,
    env: params.env,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${params.name}: could not start ${params.entry}`);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { name: params.name, pid: child.pid, logFile, child, exited };
}

/** SIGTERM each still-running service, then SIGKILL whatever has not ended after graceMs. */
export async function stopServices(services: readonly RunningService[], graceMs = 15_000): Promise<void> {
  const running = services.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
  for (const s of running) s.child.kill('SIGTERM');
  await Promise.all(
    running.map(async (s) => {
      const timer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
      await s.exited;
      clearTimeout(timer);
    }),
  );
}
