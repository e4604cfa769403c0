/**
 * npm run bench:dedupe: what the de-dup horizon costs in Redis, per transaction remembered.
 * Fills one shard's generation hashes the way the commit script does (field transactionId,
 * value the 12-character content fingerprint) with ids of three common shapes, and reports
 * MEMORY USAGE per entry. A shard keeps DEDUPE_HORIZON_DAYS plus up to one generation of ids,
 * so the figure times the transactions of that many days is the de-dup memory.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { dropPrefix } from '@tierflow/testkit/aggregator-harness';
import { prefixBytes } from '@tierflow/testkit/redis-memory';

const ENTRIES = Number(process.env.BENCH_DEDUPE_ENTRIES ?? 200_000);
const redis = new Redis(connectionConfig().redisUrl);
const shapes: Record<string, (i: number) => string> = {
  'short (tx-7-123456)': (i) => `tx-7-${i}`,
  'invoice line (INV-2026-000123-07)': (i) => `INV-2026-${String(Math.floor(i / 10)).padStart(6, '0')}-${String(i % 10).padStart(2, '0')}`,
  'uuid (36 chars)': () => randomUUID(),
};
const results: Record<string, number> = {};
try {
  for (const [name, id] of Object.entries(shapes)) {
    const prefix = `bench-dedupe-${randomUUID().slice(0, 8)}:`;
    const key = `${prefix}{p0}:tx:1`;
    for (let i = 0; i < ENTRIES; i += 1000) {
      const args: string[] = [];
      for (let j = i; j < Math.min(ENTRIES, i + 1000); j++) args.push(id(j), 'AbCdEfGhIjKl');
      await redis.hset(key, ...args);
    }
    const bytes = await prefixBytes(redis, prefix);
    results[name] = Number((bytes / ENTRIES).toFixed(1));
    process.stderr.write(`${name}: ${ENTRIES} entries, ${bytes} bytes = ${results[name]} bytes per transaction\n`);
    await dropPrefix(redis, prefix);
  }
  const perDay = 3_500 * 86_400; // a mid-size operator's average CDR rate for a day
  const worst = Math.max(...Object.values(results));
  process.stderr.write(`at 3,500 tx/s, 60 days (45-day horizon + one 15-day generation) of ids: ${(worst * perDay * 60 / 2 ** 30).toFixed(1)} GiB (worst shape)\n`);
  console.log(JSON.stringify({ entries: ENTRIES, bytesPerTransaction: results }));
} finally {
  redis.disconnect();
}
