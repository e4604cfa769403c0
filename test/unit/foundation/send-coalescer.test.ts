import { describe, expect, it } from 'vitest';
import type { Message, ProducerBatch } from 'kafkajs';
import { SendCoalescer } from '../../../shared/runtime/src/kafka/send-coalescer';

/** A request log standing in for the broker's side of sendBatch: the test is about grouping. */
function recorder(failFirst = 0) {
  const requests: { topic: string; keys: string[] }[][] = [];
  let fails = failFirst;
  const r = {
    requests,
    /** when set, a request stays in flight until the gate opens */
    gate: null as Promise<void> | null,
    sendBatch: async (b: ProducerBatch) => {
      requests.push((b.topicMessages ?? []).map((t) => ({ topic: t.topic, keys: t.messages.map((m) => String(m.key)) })));
      await (r.gate ?? Promise.resolve());
      if (fails-- > 0) throw new Error('broker said no');
      return [];
    },
  };
  return r;
}
const msgs = (...keys: string[]): Message[] => keys.map((key) => ({ key, value: key }));

describe('SendCoalescer', () => {
  it('sends made in one turn of the event loop go in one request, in call order', async () => {
    const r = recorder();
    const c = new SendCoalescer(r);
    await Promise.all([c.send('a', msgs('1', '2')), c.send('b', msgs('3')), c.send('a', msgs('4'))]);
    expect(r.requests).toEqual([[{ topic: 'a', keys: ['1', '2', '4'] }, { topic: 'b', keys: ['3'] }]]);
  });

  it('sends made while a request is in flight wait and then go together', async () => {
    const r = recorder();
    const c = new SendCoalescer(r);
    let open = () => {};
    r.gate = new Promise<void>((x) => (open = x));
    const first = c.send('t', msgs('1'));
    await new Promise((x) => setImmediate(x));
    expect(r.requests).toHaveLength(1);
    const later = [c.send('t', msgs('2')), c.send('t', msgs('3'))];
    await new Promise((x) => setImmediate(x));
    expect(r.requests).toHaveLength(1); // still waiting for the first
    open();
    await first;
    await Promise.all(later);
    expect(r.requests.map((q) => q[0]!.keys)).toEqual([['1'], ['2', '3']]);
  });

  it('a failed request fails every send it carried, and later sends still go', async () => {
    const r = recorder(1);
    const c = new SendCoalescer(r);
    const results = await Promise.allSettled([c.send('t', msgs('1')), c.send('t', msgs('2'))]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    await c.send('t', msgs('3'));
    expect(r.requests.map((q) => q[0]!.keys)).toEqual([['1', '2'], ['3']]);
  });

  it('keeps requests under the byte budget: small sends share one, a large send is split, order kept', async () => {
    const r = recorder();
    // each message counts 64 bytes of framing + key + value: 66 bytes here, so 3 fit in 200
    const c = new SendCoalescer(r, { maxBytesPerRequest: 200 });
    await Promise.all([c.send('t', msgs('1')), c.send('t', msgs('2')), c.send('t', msgs('3', '4', '5', '6', '7')), c.send('u', msgs('8'))]);
    expect(r.requests).toEqual([
      [{ topic: 't', keys: ['1', '2', '3'] }],
      [{ topic: 't', keys: ['4', '5', '6'] }],
      [{ topic: 't', keys: ['7'] }, { topic: 'u', keys: ['8'] }],
    ]);
  });

  it('sends a message larger than the budget alone', async () => {
    const r = recorder();
    const c = new SendCoalescer(r, { maxBytesPerRequest: 100 });
    await Promise.all([c.send('t', [{ key: 'big', value: 'x'.repeat(500) }]), c.send('t', msgs('2'))]);
    expect(r.requests.map((q) => q[0]!.keys)).toEqual([['big'], ['2']]);
  });

  it('a send split over requests fails as a whole when one of them fails, and the next send still goes', async () => {
    const r = recorder(1);
    const c = new SendCoalescer(r, { maxBytesPerRequest: 140 });
    const results = await Promise.allSettled([c.send('t', msgs('1', '2', '3')), c.send('t', msgs('4'))]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'fulfilled']);
    // the failed send's untaken message was dropped with it; the other send went on its own
    expect(r.requests.map((q) => q[0]!.keys)).toEqual([['1', '2'], ['4']]);
  });

  it('an empty send resolves at once and sends nothing', async () => {
    const r = recorder();
    await new SendCoalescer(r).send('t', []);
    expect(r.requests).toEqual([]);
  });
});
