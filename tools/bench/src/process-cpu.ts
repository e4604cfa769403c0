import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every common build. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a live process has used so far; NaN when it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU seconds of each named process so far (NaN for one that is gone). */
export function cpuSecondsOf(pids: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
}

/** The pids of the local stack's servers (npm run stack:up), by name; empty for external servers. */
export function stackPids(stackDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of ['kafka', 'redis', 'registry']) {
    const file = path.join(stackDir, 'run', `${name}.pid`);
    if (existsSync(file)) out[name] = Number(readFileSync(file, 'utf8').trim());
  }
  return out;
}

/**
 * CPU use of a set of processes over an interval: `start()` takes the first reading, `stop()`
 * returns each process's share of one core (percent) since then.
 */
export function cpuMeter(pids: Record<string, number | undefined>) {
  let started = 0;
  let first: Record<string, number> = {};
  const read = () => cpuSecondsOf(pids);
  return {
    start(): void {
      started = performance.now();
      first = read();
    },
    stop(): Record<string, number> {
      const seconds = (performance.now() - started) / 1000;
      const now = read();
      return Object.fromEntries(
        Object.entries(now)
          .filter(([name, v]) => Number.isFinite(v) && Number.isFinite(first[name]))
          .map(([name, v]) => [name, Math.round((100 * (v - (first[name] as number))) / seconds)]),
      );
    },
  };
}
