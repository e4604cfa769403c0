import { writeFileSync } from 'node:fs';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { RequestError } from '@tierflow/contracts/scopes/request-validation';
import { parseScope } from '@tierflow/contracts/scopes/scope';
import { flagInt, flagString, parseArgs } from './cli-args';
import { analyseReview } from './review/review-analysis';
import { reviewHtml } from './review/review-html';
import { loadReviewData, monthPeriod, type ReviewPeriod } from './review/review-loader';
import { reviewMarkdown } from './review/review-markdown';
import { printPdf } from './review/review-pdf';
import { openStore } from './store-access';
import { UsageError } from './usage-error';

export const reviewUsage = 'review --out FILE [--format md|html|pdf|json] [--scope global|region:<name>] [--days N | --month YYYY-MM]';

const FORMATS = ['md', 'html', 'pdf', 'json'] as const;

/**
 * `tierflow review`: the periodic key-account review — are key customers churning, how did
 * tiers move (one net move per customer), how concentrated is revenue — as Markdown, HTML (with
 * charts), PDF (Chromium prints the HTML) or JSON (the findings) in a file. --days N reads the
 * records written in the last N days; --month YYYY-MM the month's event time (for replays).
 */
export async function reviewCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({
    command: 'review',
    args,
    flags: { out: { kind: 'string' }, format: { kind: 'string' }, scope: { kind: 'string' }, days: { kind: 'int', min: 1, max: 3650 }, month: { kind: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`review: unexpected argument ${positionals[0]}`);
  const out = flagString(flags, 'out');
  if (!out) throw new UsageError('review: --out FILE is required');
  const format = flagString(flags, 'format') ?? (/\.html?$/i.test(out) ? 'html' : /\.pdf$/i.test(out) ? 'pdf' : /\.json$/i.test(out) ? 'json' : 'md');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`review: --format must be one of ${FORMATS.join(', ')}, got ${format}`);
  let scope;
  try {
    scope = parseScope(flagString(flags, 'scope'));
  } catch (err) {
    if (err instanceof RequestError) throw new UsageError(`review: ${err.message}`);
    throw err;
  }
  const now = Date.now();
  const month = flagString(flags, 'month');
  if (month !== undefined && flags.days !== undefined) throw new UsageError('review: give --days or --month, not both');
  let period: ReviewPeriod;
  if (month !== undefined) {
    const p = monthPeriod(month);
    if (!p) throw new UsageError(`review: --month expects YYYY-MM, got ${month}`);
    period = p;
  } else {
    const days = flagInt(flags, 'days', 30);
    period = { start: now - days * 86_400_000, end: now + 1, recordSince: now - days * 86_400_000 };
  }
  const connection = connectionConfig();
  const topics = topicsFromEnv();
  const logger = createLogger({ name: 'review', level: 'error' });
  const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-review', logger });
  const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry });
  const { store, portfolio, close } = openStore();
  try {
    const data = await loadReviewData({ kafka, codec, topics, store, portfolio, scope, period, now });
    const findings = analyseReview(data);
    if (format === 'pdf') await printPdf(reviewHtml(data), out);
    else writeFileSync(out, format === 'html' ? reviewHtml(data) : format === 'json' ? `${JSON.stringify({ scope: data.scope, periodStart: data.periodStart, periodEnd: data.periodEnd, ...findings }, null, 2)}\n` : reviewMarkdown(data));
    process.stdout.write(`review of ${data.scope}: ${findings.moves.length} customers moved (${data.tierChanges.length} tier-change events), ${findings.churning.length} with churn signals; written to ${out}\n`);
    return 0;
  } finally {
    close();
  }
}
