import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A server process the stack started, tracked by a PID file and recognised by a marker in its command line. */
export interface ManagedProcess {
  name: string;
  pidFile: string;
  logFile: string;
  /** a string that must appear in /proc/PID/cmdline, so a recycled PID is never taken for ours */
  marker: string;
}

export function readPid(proc: ManagedProcess): number | null {
  if (!existsSync(proc.pidFile)) return null;
  const pid = Number(readFileSync(proc.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** The PID if the process runs and is ours, else null. */
export function runningPid(proc: ManagedProcess): number | null {
  const pid = readPid(proc);
  if (pid === null) return null;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return cmdline.includes(proc.marker) ? pid : null;
  } catch {
    return null;
  }
}

/** Starts a detached process whose output goes to its log file; records its PID. */
export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): number {
  mkdirSync(path.dirname(proc.pidFile), { recursive: true });
  mkdirSync(path.dirname(proc.logFile), { recursive: true });
  const out = openSync(proc.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${proc.name}: could not start ${command}`);
  child.unref();
  writeFileSync(proc.pidFile, String(child.pid));
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Removes the PID file. Returns whether it was running. */
export async function stopProcess(proc: ManagedProcess, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(proc);
  if (pid === null) {
    rmSync(proc.pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(proc.pidFile, { force: true });
  return true;
}

/** Last lines of a log, for error messages when a server dies while starting. */
export function tailOf(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns true, the process dies, or the timeout passes.
 * Readiness is always asked of the server itself; the delay is only between questions.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (runningPid(proc) === null) {
      throw new Error(`${proc.name} exited while starting; last lines of ${proc.logFile}:\n${tailOf(proc.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${proc.name} not ready after ${timeoutMs / 1000}s; last lines of ${proc.logFile}:\n${tailOf(proc.logFile)}`);
    }
    await sleep(250);
  }
}
