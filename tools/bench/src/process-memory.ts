import { readFileSync } from 'node:fs';

/** Peak resident set (VmHWM) of a live process, in MiB; 0 when it is gone. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}
