import path from 'node:path';
import { tailOf } from '../stack/process-control';
import { availableServices, serviceEnv, startService, stopServices, type RunningService } from './service-runner';

const MAX_RESTARTS = 5;

export interface Supervisor {
  /** the services running now (a restarted one replaces its earlier process) */
  services: RunningService[];
  /** 1 once a service failed too often to be restarted, else 0 */
  exitCode: () => number;
  /** from now on an exit is expected: nothing is restarted or reported */
  interrupt: () => void;
  /** stops every service (SIGTERM, then SIGKILL after a grace period) */
  stop: () => Promise<void>;
}

/**
 * `tierflow start`'s second part: every service of this checkout as a child process, its log in
 * `logDir`. A service that exits unexpectedly (a server briefly unavailable, say) is started
 * again after a growing pause, up to MAX_RESTARTS times; then the start command exits 1.
 */
export function superviseServices(params: { repoRoot: string; logDir: string; env: NodeJS.ProcessEnv; say: (msg: string) => void }): Supervisor {
  const { repoRoot, logDir, env, say } = params;
  const services: RunningService[] = [];
  let interrupted = false;
  let exitCode = 0;
  for (const s of availableServices(repoRoot)) {
    if (!s.exists) {
      say(`  ${s.name.padEnd(11)} not started: ${path.relative(repoRoot, s.entry)} does not exist in this checkout`);
      continue;
    }
    const launch = (attempt: number) => {
      const running = startService({ name: s.name, entry: s.entry, repoRoot, logDir, env: serviceEnv(s.name, env) });
      const i = services.findIndex((x) => x.name === s.name);
      if (i >= 0) services[i] = running;
      else services.push(running);
      say(`  ${s.name.padEnd(11)} ${attempt === 0 ? 'started' : 'restarted'} (pid ${running.pid}), log ${path.relative(process.cwd(), running.logFile)}`);
      void running.exited.then((code) => {
        if (interrupted) return;
        say(`\n${running.name} exited unexpectedly (${code}); last lines of ${running.logFile}:\n${tailOf(running.logFile, 8)}`);
        if (attempt >= MAX_RESTARTS) {
          exitCode = 1;
          say(`${running.name} failed ${attempt + 1} times: not restarting it`);
          return;
        }
        // a service that fails (a server briefly unavailable, say) is started again after a pause
        setTimeout(() => {
          if (!interrupted) launch(attempt + 1);
        }, 2_000 * (attempt + 1));
      });
    };
    launch(0);
  }
  return {
    services,
    exitCode: () => exitCode,
    interrupt: () => {
      interrupted = true;
    },
    stop: async () => {
      interrupted = true;
      if (services.length === 0) return;
      await stopServices(services);
      say(`stopped ${services.map((s) => s.name).join(', ')}`);
    },
  };
}

/** Waits until the dashboard answers /healthz and prints its address (or where its log is). */
export async function announceDashboard(params: {
  dashboard: RunningService;
  address: { host: string; port: number; apiToken: string | null };
  signal: AbortSignal;
  say: (msg: string) => void;
}): Promise<void> {
  const { address, signal, say } = params;
  const host = address.host === '0.0.0.0' || address.host === '::' ? '127.0.0.1' : address.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;
  const up = await waitForHttp(`${url}healthz`, 90_000, signal);
  if (up) say(`\ndashboard: ${url}${address.apiToken ? ' (sign in at /login with DASHBOARD_API_TOKEN)' : ''}\n`);
  else if (!signal.aborted) say(`dashboard did not answer at ${url} — see ${params.dashboard.logFile}`);
}

async function waitForHttp(url: string, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
