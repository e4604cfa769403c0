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

/** Where a profile's self time went, by part: one line per area, busy time only (idle apart). */
export function summariseByArea(file: string): { area: string; percentOfBusy: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const areas: Array<[RegExp, string]> = [
    [/node_modules\/kafkajs\//, 'kafkajs (protocol, fetch, produce)'],
    [/node_modules\/(avsc|@kafkajs\/confluent-schema-registry)\//, 'avsc (Avro decode/encode)'],
    [/node_modules\/(ioredis|redis-parser|@ioredis)\//, 'ioredis (commands, replies)'],
    [/node_modules\/(pino|prom-client|fastify)/, 'logging, metrics, HTTP'],
    [/node_modules\//, 'other libraries'],
    [/shared\/domain\//, 'tierflow domain (planning)'],
    [/shared\/(runtime|contracts)\//, 'tierflow runtime and contracts'],
    [/services\//, 'tierflow service code'],
    [/^node:|^internal\//, 'node internals (streams, buffers, timers)'],
  ];
  const by = new Map<string, number>();
  let busy = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    const name = n.callFrame.functionName;
    if (name === '(idle)' || hits === 0) continue;
    busy += hits;
    const url = n.callFrame.url;
    const area = name === '(garbage collector)' ? 'garbage collector'
      : name === '(program)' ? 'V8 (program)'
      : !url ? 'native (builtins)'
      : (areas.find(([rx]) => rx.test(url))?.[1] ?? 'other');
    by.set(area, (by.get(area) ?? 0) + hits);
  }
  return [...by.entries()].sort((a, b) => b[1] - a[1]).map(([area, hits]) => ({ area, percentOfBusy: Number(((100 * hits) / Math.max(1, busy)).toFixed(1)) }));
}

// npx tsx tools/bench/src/cpu-profile-summary.ts <file.cpuprofile>: the areas and the hottest functions
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile>');
  for (const a of summariseByArea(file)) console.log(`${String(a.percentOfBusy).padStart(5)}%  ${a.area}`);
  console.log('');
  for (const h of summariseCpuProfile(file, 15)) console.log(`${String(h.selfPercent).padStart(5)}%  ${h.function}  ${h.where}`);
}

/**
 * Of several profiles of one process (its main thread and its worker threads each write one),
 * the one with the most busy (not idle) samples: the thread that did the work.
 */
export function busiestProfile(files: readonly string[]): string | undefined {
  let best: { file: string; busy: number } | undefined;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
    let busy = 0;
    for (const n of profile.nodes) if (n.callFrame.functionName !== '(idle)') busy += n.hitCount ?? 0;
    if (!best || busy > best.busy) best = { file, busy };
  }
  return best?.file;
}
