import type { Redis } from 'ioredis';

/** The Redis bytes of one key pattern (a key with its ids replaced by `*`). */
export interface KeyPatternBytes {
  pattern: string;
  keys: number;
  /** MEMORY USAGE summed over the pattern's keys (SAMPLES 0: every element counted) */
  bytes: number;
  /** OBJECT ENCODING -> number of keys (listpack, hashtable, quicklist, skiplist, ...) */
  encodings: Record<string, number>;
  /** one key of the pattern (the first seen), for `sampleValues` */
  sampleKey: string;
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
      if (!p) out.set(pattern, (p = { pattern, keys: 0, bytes: 0, encodings: {}, sampleKey: k }));
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

/**
 * What one key of each pattern holds, as text lines for the bench's log: a hash's or sorted
 * set's first few fields with their values, a list's first entries, a string's start. Values
 * are cut at 160 characters.
 */
export async function sampleValues(redis: Redis, rows: KeyPatternBytes[], perKey = 3): Promise<string> {
  const cut = (v: string) => (v.length > 160 ? `${v.slice(0, 160)}...` : v);
  const lines: string[] = [];
  for (const r of rows) {
    const type = await redis.type(r.sampleKey);
    let items: string[] = [];
    if (type === 'hash') {
      const [, flat] = await redis.hscan(r.sampleKey, '0', 'COUNT', perKey);
      for (let i = 0; i + 1 < flat.length && items.length < perKey; i += 2) items.push(`${flat[i]} = ${cut(flat[i + 1] ?? '')}`);
    } else if (type === 'zset') {
      const flat = await redis.zrange(r.sampleKey, 0, perKey - 1, 'WITHSCORES');
      for (let i = 0; i + 1 < flat.length; i += 2) items.push(`${flat[i]} ${flat[i + 1]}`);
    } else if (type === 'list') {
      items = (await redis.lrange(r.sampleKey, 0, perKey - 1)).map(cut);
    } else if (type === 'set') {
      items = (await redis.srandmember(r.sampleKey, perKey)).map(cut);
    } else if (type === 'string') {
      items = [cut((await redis.get(r.sampleKey)) ?? '')];
    }
    lines.push(`${r.pattern} (${type}, e.g. ${r.sampleKey}):`, ...items.map((i) => `    ${i}`));
  }
  return lines.join('\n');
}
