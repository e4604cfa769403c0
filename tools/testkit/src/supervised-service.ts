import { existsSync, readFileSync } from 'node:fs';
import type { ServiceProcess } from './service-process';

/** How many times a service that exited by itself is started again before the test gives up on it. */
const MAX_RESTARTS = 5;

/** An exit the test did not cause: the code, when, and the service's last warnings and errors. */
export interface UnexpectedExit {
  name: string;
  code: number | null;
  at: string;
  lastProblems: string[];
}

/**
 * A service under test kept running as `tierflow start`'s supervisor (and any process manager)
 * keeps it: an exit the test did not cause (status 70 when kafkajs gives up on a consumer, say)
 * is recorded with the service's last warnings and errors, and the service is started again.
 * The recorded exits are part of what a fault test reports.
 */
export class SupervisedService {
  readonly exits: UnexpectedExit[] = [];
  private proc!: ServiceProcess;
  private intended = false;
  private closed = false;
  private relaunch: Promise<void> | null = null;

  private constructor(
    readonly name: string,
    private readonly launch: () => Promise<ServiceProcess>,
  ) {}

  static async start(name: string, launch: () => Promise<ServiceProcess>): Promise<SupervisedService> {
    const s = new SupervisedService(name, launch);
    await s.run();
    return s;
  }

  get current(): ServiceProcess {
    return this.proc;
  }

  private async run(): Promise<void> {
    this.intended = false;
    const p = await this.launch();
    this.proc = p;
    p.child.once('exit', (code) => {
      if (this.intended || this.closed || this.proc !== p) return;
      this.exits.push({ name: this.name, code, at: new Date().toISOString(), lastProblems: problemLines(p.logFile, 6) });
      if (this.exits.length > MAX_RESTARTS) return;
      this.relaunch = new Promise((r) => setTimeout(r, 1_000)).then(() => (this.closed ? undefined : this.run()));
      this.relaunch.catch(() => undefined);
    });
    await p.ready();
  }

  /** The test's own fault: kill -9, then start it again. */
  async kill9AndRestart(): Promise<void> {
    await this.relaunch;
    this.intended = true;
    await this.proc.kill9();
    await this.run();
  }

  /** kill -9, and no more restarts (the end of a test). */
  async close(): Promise<void> {
    this.closed = true;
    await this.relaunch?.catch(() => undefined);
    await this.proc?.kill9();
  }

  /** What a stalled test prints of this service: its state, its readiness answer, its last problems. */
  async describe(): Promise<string> {
    const p = this.proc;
    const code = p.exitCode();
    const state = code === undefined ? `running on :${p.port}` : `exited (${code})`;
    const ready = code !== undefined ? '' : await fetch(`http://127.0.0.1:${p.port}/readyz`, { signal: AbortSignal.timeout(2_000) })
      .then(async (r) => ` readyz ${r.status} ${(await r.text()).slice(0, 300)}`, (err: Error) => ` readyz unanswered (${err.message})`);
    const exits = this.exits.map((e) => `\n    exited ${e.code} at ${e.at}: ${e.lastProblems.join(' | ')}`).join('');
    return `${this.name}: ${state}${ready}${exits}\n    last problems: ${problemLines(p.logFile, 4).join('\n      ')}`;
  }
}

/** The last `n` pino lines at warn level or above (level >= 40), cut to 400 characters each. */
function problemLines(file: string, n: number): string[] {
  if (!existsSync(file)) return ['(no log)'];
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => /"level":(4|5|6)\d/.test(l) || (l.length > 0 && !l.startsWith('{')));
  return lines.slice(-n).map((l) => l.slice(0, 400));
}
