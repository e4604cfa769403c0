import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Presets, SingleBar } from 'cli-progress';
import { parseEnv } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { BillingProducer } from './billing-producer';
import { flagString, parseArgs } from './cli-args';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { CdnowParser, isSkip, type CdnowSkip } from './replay/cdnow-parser';
import { partitionShape } from './simulate-command';
import { UsageError } from './usage-error';

export const replayUsage = `replay cdnow --file PATH`;

const BATCH = 2_000;

export interface ReplaySummary {
  events: number;
  skipped: CdnowSkip[];
}

/**
 * Reads a CDNOW file and hands its events to `send` in batches, in event-time order (stable
 * for equal times), as a billing system would have emitted them: the file is sorted by customer,
 * and replayed in that order nearly every purchase would arrive later than the allowed lateness
 * and count in lifetime totals only. Pure of Kafka.
 */
export async function replayCdnowFile(params: {
  file: string;
  send: (events: TransactionEvent[]) => Promise<void>;
  onBytes?: (bytesRead: number) => void;
}): Promise<ReplaySummary> {
  const parser = new CdnowParser();
  const stream = createReadStream(params.file);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const summary: ReplaySummary = { events: 0, skipped: [] };
  const events: TransactionEvent[] = [];
  for await (const line of lines) {
    const parsed = parser.parse(line);
    if (parsed === null) continue;
    if (isSkip(parsed)) summary.skipped.push(parsed);
    else events.push(parsed);
  }
  const totalBytes = stream.bytesRead;
  events.sort((a, b) => a.occurredAt - b.occurredAt); // Array.prototype.sort is stable
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    await params.send(batch);
    summary.events += batch.length;
    params.onBytes?.(Math.round((totalBytes * summary.events) / events.length));
  }
  return summary;
}

/** `tierflow replay cdnow --file PATH`: the CDNOW purchases as billing transactions, with a progress bar. */
export async function replayCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({ command: 'replay', args, flags: { file: { kind: 'string' } } });
  const [dataset, extra] = positionals;
  if (dataset !== 'cdnow') throw new UsageError(`replay: expected a data set name (cdnow), got ${dataset ?? 'nothing'}`);
  if (extra !== undefined) throw new UsageError(`replay: unexpected argument ${extra}`);
  const file = flagString(flags, 'file');
  if (!file) throw new UsageError('replay cdnow: --file PATH is required (the CDNOW_master.txt purchase file)');
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch (err) {
    throw new UsageError(`replay cdnow: cannot read --file ${file}: ${(err as Error).message}`);
  }
  const config = connectionConfig();
  const { TRANSACTIONS_PARTITIONS } = parseEnv(partitionShape);
  const logger = createLogger({ name: 'replay', level: config.logLevel === 'info' ? 'error' : config.logLevel });
  const kafka = createKafka({ brokers: config.kafkaBrokers, security: config.kafkaSecurity, clientId: 'tierflow-replay', logger });
  const producer = new BillingProducer({ kafka, registryUrl: config.registryUrl, registry: config.registry, topics: topicsFromEnv(), transactionsPartitions: TRANSACTIONS_PARTITIONS });
  await producer.start();
  const bar = new SingleBar({ format: 'replay cdnow |{bar}| {percentage}% | {events} events', hideCursor: true }, Presets.shades_classic);
  bar.start(size, 0, { events: 0 });
  let sent = 0;
  try {
    const summary = await replayCdnowFile({
      file,
      send: async (events) => {
        await producer.sendTransactions(events);
        sent += events.length;
      },
      onBytes: (bytes) => bar.update(bytes, { events: sent }),
    });
    bar.update(size, { events: sent });
    bar.stop();
    process.stdout.write(`replayed ${summary.events} CDNOW purchases to ${topicsFromEnv().transactions}\n`);
    if (summary.skipped.length > 0) {
      process.stdout.write(`skipped ${summary.skipped.length} malformed lines, first: line ${summary.skipped[0]?.lineNo}: ${summary.skipped[0]?.reason}\n`);
    }
    return summary.skipped.length > 0 ? 1 : 0;
  } finally {
    bar.stop();
    await producer.stop();
  }
}
