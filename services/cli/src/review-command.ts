import { writeFileSync } from 'node:fs';
import { connectionConfig } from '@tierflow/shared/connection-config';
import { createKafka } from '@tierflow/shared/kafka-client';
import { createLogger } from '@tierflow/shared/logger';
import { SchemaCodec } from '@tierflow/shared/schema-codec';
import { topicsFromEnv } from '@tierflow/shared/topics';
import { parseScope, RequestError, scopeName } from '@tierflow/dashboard/request-validation';
import { flagInt, flagString, parseArgs } from './cli-args';
import type { ReviewChurnRisk, ReviewData, ReviewTierChange } from './review/review-data';
import { reviewHtml } from './review/review-html';
import { reviewMarkdown } from './review/review-markdown';
import { readTopicSince } from './review/topic-reader';
import { openStore } from './store-access';
import { UsageError } from './usage-error';

export const reviewUsage = 'review --out FILE [--format md|html] [--scope global|region:<name>] [--days N]';

/**
 * `tierflow review`: the periodic key-account review — are key customers churning, how did
 * tiers move, how concentrated is revenue — as Markdown or HTML (with charts) in a file.
 */
export async function reviewCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({
    command: 'review',
    args,
    flags: { out: { kind: 'string' }, format: { kind: 'string' }, scope: { kind: 'string' }, days: { kind: 'int', min: 1, max: 3650 } },
  });
  if (positionals.length > 0) throw new UsageError(`review: unexpected argument ${positionals[0]}`);
  const out = flagString(flags, 'out');
  if (!out) throw new UsageError('review: --out FILE is required');
  const format = flagString(flags, 'format') ?? (/\.html?$/i.test(out) ? 'html' : 'md');
  if (format !== 'md' && format !== 'html') throw new UsageError(`review: --format must be md or html, got ${format}`);
  let scope;
  try {
    scope = parseScope(flagString(flags, 'scope'));
  } catch (err) {
    if (err instanceof RequestError) throw new UsageError(`review: ${err.message}`);
    throw err;
  }
  const days = flagInt(flags, 'days', 30);
  const now = Date.now();
  const since = now - days * 86_400_000;
  const connection = connectionConfig();
  const topics = topicsFromEnv();
  const logger = createLogger({ name: 'review', level: 'warn' });
  const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-review', logger });
  const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry });
  const { store, close } = openStore();
  try {
    const [summary, top, tierChanges, churn] = await Promise.all([
      store.summary(scope),
      store.top(scope, 50),
      readTopicSince<ReviewTierChange>({ kafka, codec, topic: topics.tierChanges, sinceMs: since }),
      readTopicSince<ReviewChurnRisk & { explanation?: Array<{ signal: string; summary: string }> }>({ kafka, codec, topic: topics.churnRisk, sinceMs: since }),
    ]);
    const data: ReviewData = {
      scope: scopeName(scope),
      generatedAt: now,
      periodStart: since,
      periodEnd: now,
      summary,
      top,
      tierChanges,
      churnRisks: churn.map((r) => ({ ...r, summary: r.explanation?.find((e) => e.signal === r.signal)?.summary ?? null })),
      currency: 'USD',
    };
    writeFileSync(out, format === 'html' ? reviewHtml(data) : reviewMarkdown(data));
    process.stdout.write(`review of ${data.scope} (${days} days: ${tierChanges.length} tier changes, ${churn.length} churn events) written to ${out}\n`);
    return 0;
  } finally {
    close();
  }
}
