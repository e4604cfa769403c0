import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { hash32 } from '../simulate/seeded-random';

/** A line of the CDNOW file that is not a purchase: the reason, for the replay's summary. */
export interface CdnowSkip {
  lineNo: number;
  reason: string;
}

/**
 * Turns the public CDNOW purchase file (whitespace-separated customer_id, date YYYYMMDD,
 * number_of_cds, dollar_value; a header line first) into billing TransactionEvents: a CHARGE
 * of dollar_value in cents, currency USD, customer `cdnow-<id>`. The time within the day is a
 * deterministic function of the transaction id (between 08:00 and 22:00 UTC) and the id is
 * `cdnow-<customer>-<date>-<n>` with n counting that customer's purchases that day, so a
 * replay of the same file always yields the same events.
 */
export class CdnowParser {
  private readonly seen = new Map<string, number>();
  private lineNo = 0;

  /** Parses one line; returns the event, a skip (bad line), or null for the header and blank lines. */
  parse(line: string): TransactionEvent | CdnowSkip | null {
    this.lineNo++;
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return null;
    if (this.lineNo === 1 && fields[0] === 'customer_id') return null;
    if (fields.length !== 4) return { lineNo: this.lineNo, reason: `expected 4 fields, got ${fields.length}` };
    const [customer, date, cds, dollars] = fields as [string, string, string, string];
    if (!/^\d+$/.test(customer)) return { lineNo: this.lineNo, reason: `bad customer_id ${customer}` };
    const day = parseDate(date);
    if (day === null) return { lineNo: this.lineNo, reason: `bad date ${date}` };
    if (!/^\d+$/.test(cds)) return { lineNo: this.lineNo, reason: `bad number_of_cds ${cds}` };
    const cents = parseCents(dollars);
    if (cents === null) return { lineNo: this.lineNo, reason: `bad dollar_value ${dollars}` };
    const key = `${customer}-${date}`;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    const transactionId = `cdnow-${key}-${n}`;
    const secondOfDay = 8 * 3600 + (hash32(transactionId) % (14 * 3600));
    return {
      transactionId,
      customerId: `cdnow-${customer}`,
      occurredAt: day + secondOfDay * 1000,
      kind: 'CHARGE',
      amountMinor: cents,
      costMinor: 0,
      currency: 'USD',
      product: `cds:${Number(cds)}`,
    };
  }
}

export const isSkip = (r: TransactionEvent | CdnowSkip): r is CdnowSkip => 'reason' in r;

/** YYYYMMDD -> epoch ms of that UTC day, or null if it is not a real date. */
export function parseDate(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

/** "11.77" -> 1177 exactly (no floating point), or null if it is not a non-negative amount. */
export function parseCents(text: string): number | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? '').padEnd(2, '0'));
  return whole * 100 + frac;
}
