import { randomUUID } from 'node:crypto';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { type Topics } from '@tierflow/contracts/topics';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { flagBool, flagInt, parseArgs } from './cli-args';
import { CliError, EXIT } from './cli-error';
import { UsageError } from './usage-error';

export const tailUsage = 'tail <topic> [--from-beginning] [--limit N]';

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A topic by its configured name or by its role (transactions, tier-changes, churn-risk, ...). */
export function resolveTopic(name: string, topics: Topics): string {
  const byRole = Object.entries(topics).find(([role]) => kebab(role) === name || role === name);
  return byRole ? byRole[1] : name;
}

const headersOf = (h: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : Array.isArray(v) ? v.map(String).join(',') : String(v ?? '')]));

/** One record as a JSON line: the value decoded through the registry, or its bytes (base64) when it does not decode. */
async function line(codec: SchemaCodec, topic: string, partition: number, m: KafkaMessage): Promise<string> {
  let value: unknown = null;
  let undecodable: string | undefined;
  if (m.value !== null) {
    try {
      value = await codec.decode(m.value);
    } catch (err) {
      undecodable = (err as Error).message;
      value = { base64: m.value.toString('base64') };
    }
  }
  const headers = headersOf(m.headers);
  return JSON.stringify({
    topic, partition, offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key?.toString() ?? null, value,
    ...(Object.keys(headers).length > 0 ? { headers } : {}), ...(undecodable ? { undecodable } : {}),
  }, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

/**
 * `tierflow tail <topic>`: a topic's records decoded (Avro through the registry), one JSON line
 * each, as they arrive — or from the beginning — until --limit records or Ctrl-C. A throwaway
 * consumer group is used and deleted at the end. An unknown topic exits 3 listing the known ones.
 */
export async function tailCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({ command: 'tail', args, flags: { 'from-beginning': { kind: 'bool' }, limit: { kind: 'int', min: 1, max: 10_000_000 } } });
  if (positionals.length !== 1) throw new UsageError(`tail: expected one topic, got ${positionals.length}`);
  const connection = connectionConfig();
  const topics = topicsFromEnv();
  const topic = resolveTopic(positionals[0] as string, topics);
  const limit = flagInt(flags, 'limit', 0);
  const logger = createLogger({ name: 'tail', level: 'error' });
  const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-tail', logger });
  const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `tierflow-tail-${randomUUID()}`;
  try {
    const existing = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    if (!existing.includes(topic)) {
      const ours = Object.values(topics).filter((t) => existing.includes(t));
      throw new CliError(`tail: no topic ${topic}; pipeline topics here: ${ours.join(', ') || '(none)'} (roles: ${Object.keys(topics).map(kebab).join(', ')})`, EXIT.NOT_FOUND);
    }
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    let seen = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const stop = () => finish();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await consumer.subscribe({ topic, fromBeginning: flagBool(flags, 'from-beginning') });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (limit > 0 && seen >= limit) return;
          process.stdout.write(`${await line(codec, topic, partition, message)}\n`);
          seen++;
          if (limit > 0 && seen >= limit) finish();
        },
      });
      await done;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await consumer.disconnect();
    }
    return EXIT.OK;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
