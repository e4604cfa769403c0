import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface HotFunction {
  function: string;
  where: string;
  selfPercent: number;
}

/** The functions with the most self time in a V8 .cpuprofile (node --cpu-prof), grouped by name and file. */
export function summariseCpuProfile(file: string, top = 12): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byKey = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const name = n.callFrame.functionName || '(anonymous)';
    const where = n.callFrame.url ? `${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : '(native)';
    const key = `${name}\t${where}`;
    byKey.set(key, (byKey.get(key) ?? 0) + hits);
  }
  return [...byKey.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => {
      const [fn, where] = key.split('\t') as [string, string];
      return { function: fn, where, selfPercent: Number(((100 * hits) / Math.max(1, total)).toFixed(1)) };
    });
}
