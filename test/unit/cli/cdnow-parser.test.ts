import { describe, expect, it } from 'vitest';
import { CdnowParser, isSkip, parseCents, parseDate } from '../../../tools/cli/src/replay/cdnow-parser';

describe('CdnowParser', () => {
  it('turns a purchase line into a deterministic CHARGE in cents', () => {
    const parser = new CdnowParser();
    expect(parser.parse(' customer_id  date number_of_cds  dollar_value')).toBeNull();
    const event = parser.parse(' 00001 19970101  1   11.77');
    expect(event).toMatchObject({
      transactionId: 'cdnow-00001-19970101-0',
      customerId: 'cdnow-00001',
      kind: 'CHARGE',
      amountMinor: 1177,
      costMinor: 0,
      currency: 'USD',
      product: 'cds:1',
    });
    const at = (event as { occurredAt: number }).occurredAt;
    expect(at).toBeGreaterThanOrEqual(Date.UTC(1997, 0, 1, 8));
    expect(at).toBeLessThan(Date.UTC(1997, 0, 1, 22));
    // the same input gives the same event
    const again = new CdnowParser();
    again.parse(' customer_id  date number_of_cds  dollar_value');
    expect(again.parse(' 00001 19970101  1   11.77')).toEqual(event);
  });

  it('numbers repeat purchases of one customer on one day', () => {
    const parser = new CdnowParser();
    const a = parser.parse('00002 19970112 1 12.00');
    const b = parser.parse('00002 19970112 5 77.00');
    expect(a && !isSkip(a) && a.transactionId).toBe('cdnow-00002-19970112-0');
    expect(b && !isSkip(b) && b.transactionId).toBe('cdnow-00002-19970112-1');
  });

  it('reports malformed lines with their line number and reason', () => {
    const parser = new CdnowParser();
    parser.parse('customer_id date number_of_cds dollar_value');
    expect(parser.parse('00001 19970230 1 1.00')).toEqual({ lineNo: 2, reason: 'bad date 19970230' });
    expect(parser.parse('00001 19970101 1 -1.00')).toEqual({ lineNo: 3, reason: 'bad dollar_value -1.00' });
    expect(parser.parse('00001 19970101 1')).toEqual({ lineNo: 4, reason: 'expected 4 fields, got 3' });
    expect(parser.parse('   ')).toBeNull();
  });

  it('parses amounts exactly and dates strictly', () => {
    expect(parseCents('0.00')).toBe(0);
    expect(parseCents('29.33')).toBe(2933);
    expect(parseCents('7.5')).toBe(750);
    expect(parseCents('1e3')).toBeNull();
    expect(parseDate('19980630')).toBe(Date.UTC(1998, 5, 30));
    expect(parseDate('19981301')).toBeNull();
  });
});
