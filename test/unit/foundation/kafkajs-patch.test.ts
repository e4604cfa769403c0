import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// patches/kafkajs+2.2.4.patch (applied by patch-package on npm install): kafkajs 2.2.4 grouped a
// send's messages per partition by copying each partition's array once per message, O(n^2)
// in the messages of one send (10% of the aggregator's CPU profile). The patched version must
// give the same grouping, in send order, and must be the one installed.
const require = createRequire(import.meta.url);
type Message = { key: string; value: string };
const group = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (p: {
  topic: string;
  partitionMetadata: unknown[];
  messages: Message[];
  partitioner: (a: { message: Message }) => number;
}) => Record<string, Message[]>;

describe('kafkajs producer patch', () => {
  it('groups messages per partition in send order, as the original did', () => {
    const messages = Array.from({ length: 1_000 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }));
    const partitioner = ({ message }: { message: Message }) => Number(message.key.slice(1)) % 3;
    const got = group({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner });
    // the reference: a plain filter per partition
    for (const p of [0, 1, 2]) expect(got[p]).toEqual(messages.filter((m) => partitioner({ message: m }) === p));
    expect(Object.keys(got).sort()).toEqual(['0', '1', '2']);
    expect(group({ topic: 't', partitionMetadata: [], messages, partitioner })).toEqual({});
  });

  it('is the patched, linear version that is installed', () => {
    expect(group.toString()).not.toContain('[...current, message]');
  });
});
