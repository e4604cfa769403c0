import type { Redis } from 'ioredis';

/** The Redis bytes of one key pattern (a key with its ids replaced by `*`). */
export interface KeyPatternBytes {
  pattern: string;
  keys: number;
  /** MEMORY USAGE summed over the pattern's keys (SAMPLES 0: every element counted) */
  bytes: number;
  /** OBJECT ENCODING -> number of keys (listpack, hashtable, quicklist, skiplist, ...) */
  encodings: Record<string, number>;
}

/**
 * The key pattern of a key under `prefix`: the prefix dropped, shard tags `{p3}` as `{p*}`, and
 * every `:`-separated part holding a digit (a customer id, an alert id, a bucket number) as `*`.
 * Scope names and the service tags ({rk}, {cw}, {al}) stay.
 */
export function keyPattern(prefix: string, key: string): string {
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  return rest
    .replace(/\{p\d+\}/g, '{p*}')
    .split(':')
    .map((part) => (/\d/.test(part) && !/^\{p\*\}$/.test(part) ? '*' : part))
    .join(':');
}

/**
 * Where a prefix's Redis memory goes: bytes per key pattern (MEMORY USAGE ... SAMPLES 0 and
 * OBJECT ENCODING of every key, read with SCAN in pipelines), largest first. For the benchmarks:
 * it reads every key under the prefix once.
 */
export async function redisBreakdown(redis: Redis, prefix: string): Promise<KeyPatternBytes[]> {
  const out = new Map<string, KeyPatternBytes>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.memory('USAGE', k, 'SAMPLES', '0').object('ENCODING', k);
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((k, i) => {
      const bytes = Number(replies[2 * i]?.[1] ?? 0);
      const encoding = String(replies[2 * i + 1]?.[1] ?? 'gone');
      const pattern = keyPattern(prefix, k);
      let p = out.get(pattern);
      if (!p) out.set(pattern, (p = { pattern, keys: 0, bytes: 0, encodings: {} }));
      p.keys += 1;
      p.bytes += bytes;
      p.encodings[encoding] = (p.encodings[encoding] ?? 0) + 1;
    });
  } while (cursor !== '0');
  return [...out.values()].sort((a, b) => b.bytes - a.bytes);
}

/** The breakdown as table rows for `customers` customers: pattern, keys, bytes per customer, encodings. */
export function breakdownTable(rows: KeyPatternBytes[], customers: number): string {
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  const lines = ['| key pattern | keys | bytes/customer | encoding |', '|---|---|---|---|'];
  for (const r of rows) {
    const enc = Object.entries(r.encodings).map(([e, n]) => `${e} ${n}`).join(', ');
    lines.push(`| ${r.pattern} | ${r.keys} | ${(r.bytes / customers).toFixed(1)} | ${enc} |`);
  }
  lines.push(`| total | ${rows.reduce((s, r) => s + r.keys, 0)} | ${(total / customers).toFixed(1)} | |`);
  return lines.join('\n');
}
