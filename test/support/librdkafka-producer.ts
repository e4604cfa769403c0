import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureEvent } from '../../tools/testkit/src/transaction-fixtures';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = path.join(repoRoot, 'test/support/python/avro_produce.py');
export const TRANSACTION_SCHEMA = path.join(repoRoot, 'schemas/TransactionEvent.avsc');

/** A record for the python producer: the event, its key (null: keyless) and an explicit partition (null: librdkafka's partitioner). */
export interface Routed {
  event: FixtureEvent;
  key: string | null;
  partition: number | null;
}

/**
 * Runs test/support/python/avro_produce.py (Debian's python3-avro and python3-confluent-kafka,
 * i.e. librdkafka) with `items` on its standard input; resolves with its last output line.
 * `produce` args: BOOTSTRAP TOPIC SCHEMA_FILE SCHEMA_ID COMPRESSION; `files` args: DIR SCHEMA_FILE SCHEMA_ID.
 */
export function runPythonProducer(args: string[], items: Routed[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`avro_produce.py ${args[0]} exited ${code}: ${err}${out}`))));
    for (const i of items) child.stdin.write(`${JSON.stringify(i)}\n`);
    child.stdin.end();
  });
}

/** Produces with librdkafka (its default partitioner unless an item names a partition) and checks every record was delivered. */
export async function produceWithLibrdkafka(p: { brokers: string; topic: string; schemaId: number; compression: string; items: Routed[] }): Promise<void> {
  const line = await runPythonProducer(['produce', p.brokers, p.topic, TRANSACTION_SCHEMA, String(p.schemaId), p.compression], p.items);
  const result = JSON.parse(line) as { sent: number; undelivered: number; errors: string[] };
  if (result.sent !== p.items.length || result.undelivered !== 0 || result.errors.length > 0) {
    throw new Error(`librdkafka producer: ${line}`);
  }
}
