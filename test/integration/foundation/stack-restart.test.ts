import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { deleteTopics, produce, readTopic, testKafka } from '../../../tools/testkit/src/kafka-io';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const npm = (script: string) => execFileSync('npm', ['run', '-s', script], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });

/**
 * The stack's lifecycle on the real servers: up is idempotent, down keeps the data, and a
 * record written before a restart still decodes after it, with the same schema id (the
 * registry keeps its schemas in Kafka). Only meaningful on the embedded local stack.
 */
describe.runIf(connectionConfig().usesLocalStack)('local stack restart', () => {
  it('stack:up twice, stack:down, stack:up again; a record from before the restart still decodes', async () => {
    const config = connectionConfig();
    const kafka = testKafka();
    const topic = `test.restart.${randomUUID()}`;
    const codec = new SchemaCodec({ registryUrl: config.registryUrl });
    const id = await codec.registerFile(`${topic}-value`, 'TransactionEvent.avsc');
    const event = {
      transactionId: randomUUID(), customerId: 'C-restart', occurredAt: Date.UTC(2026, 0, 2), kind: 'PAYMENT',
      amountMinor: 5_000, costMinor: 0, currency: 'USD', product: null,
    };
    await produce(kafka, topic, [{ key: event.customerId, value: codec.encode(id, event) }]);

    expect(npm('stack:up')).toMatch(/already up/);
    expect(npm('stack:down')).toMatch(/registry stopped[\s\S]*kafka stopped[\s\S]*redis stopped/);
    expect(() => npm('stack:status')).toThrow(); // exit 3: not ready
    expect(npm('stack:up')).toMatch(/registry ready/);
    expect(npm('stack:status')).toMatch(/registry\s+ready/);

    const [message] = await readTopic(testKafka(), topic, (m) => m.length >= 1, 90_000);
    expect(message!.value!.readUInt32BE(1)).toBe(id);
    const fresh = new SchemaCodec({ registryUrl: config.registryUrl });
    expect(await fresh.decode(message!.value)).toEqual(event);
    const again = await fresh.registerFile(`${topic}-value`, 'TransactionEvent.avsc');
    expect(again).toBe(id);
    await deleteTopics(testKafka(), [topic]);
  }, 600_000);
});
