import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { hash32, seededRandom, type Random } from './seeded-random';
import type { SimAccount } from './telecom-population';

export const DAY_MS = 86_400_000;

/** Monthly seasonality: a summer dip, a strong Q4 and a December peak (month 0..11). */
export const SEASONALITY: readonly number[] = [0.92, 0.9, 0.97, 1.0, 1.02, 0.95, 0.88, 0.9, 1.02, 1.08, 1.12, 1.25];

/** How much of its usual spend an account has on a given day, by its behaviour. */
export function behaviourFactor(account: SimAccount, day: number): number {
  if (day < account.changeDay) return 1;
  const since = day - account.changeDay;
  switch (account.behaviour) {
    case 'declining':
      return Math.max(0.1, 1 - since * 0.03);
    case 'silent':
      return 0;
    case 'growing':
      return Math.min(2, 1 + since * 0.02);
    default:
      return 1;
  }
}

const seasonOf = (day: number) => SEASONALITY[new Date(day * DAY_MS).getUTCMonth()] ?? 1;

/**
 * The billing stream of a simulated population: charges (with cost), occasional refunds and
 * credit adjustments, and monthly payments that settle most of what is owed (slow payers build
 * up a balance, so over-limit shows on the card). Pure: no I/O, deterministic for a seed; it
 * keeps each account's balance so payments follow the charges.
 */
export class TelecomStream {
  private readonly balances = new Map<string, number>();
  private readonly cumulative: number[] = [];
  private liveSeq = 0;

  constructor(
    private readonly params: { seed: number; accounts: readonly SimAccount[]; currency?: string; runId?: string },
  ) {
    let sum = 0;
    for (const a of params.accounts) {
      sum += a.chargesPerMonth;
      this.cumulative.push(sum);
    }
  }

  private get currency(): string {
    return this.params.currency ?? 'USD';
  }

  /** Every event of one UTC day for every account, in time order. */
  day(day: number): TransactionEvent[] {
    const out: TransactionEvent[] = [];
    const dayStart = day * DAY_MS;
    const dayOfMonth = new Date(dayStart).getUTCDate();
    for (const account of this.params.accounts) {
      const rnd = seededRandom(hash32(`${this.params.seed}:${account.customerId}:${day}`));
      const factor = behaviourFactor(account, day) * seasonOf(day);
      const charges = factor === 0 ? 0 : rnd.poisson((account.chargesPerMonth / 30) * factor);
      let n = 0;
      const idOf = () => `sim-${this.params.seed}-${account.customerId}-${day}-${n++}`;
      for (let i = 0; i < charges; i++) {
        out.push(...this.charge(account, rnd, dayStart + businessSecond(rnd) * 1000, idOf));
      }
      if (dayOfMonth === account.paymentDay) {
        const payment = this.payment(account, dayStart + 20 * 3_600_000 + rnd.int(3_600_000), idOf());
        if (payment) out.push(payment);
      }
    }
    return out.sort((a, b) => a.occurredAt - b.occurredAt || (a.transactionId < b.transactionId ? -1 : 1));
  }

  /** Charges per second the whole population makes in normal (real) time. */
  get chargesPerSecond(): number {
    return (this.cumulative[this.cumulative.length - 1] ?? 0) / 30 / 86_400;
  }

  /**
   * `count` live events at `nowMs`: accounts sampled by how often they buy, behaviour applied.
   * Amounts are multiplied by `amountScale` (<= 1), so a fast demo stream can stand for a given
   * speed-up of real activity instead of inflating every customer's revenue.
   */
  live(nowMs: number, count: number, amountScale = 1): TransactionEvent[] {
    const rnd = seededRandom(hash32(`${this.params.seed}:live:${this.params.runId ?? ''}:${this.liveSeq}`));
    const day = Math.floor(nowMs / DAY_MS);
    const total = this.cumulative[this.cumulative.length - 1] ?? 0;
    const out: TransactionEvent[] = [];
    let attempts = 0;
    while (out.length < count && total > 0 && attempts++ < count * 20) {
      const account = this.params.accounts[lowerBound(this.cumulative, rnd.next() * total)];
      if (!account || !rnd.chance(Math.min(1, behaviourFactor(account, day)))) continue;
      const idOf = () => `sim-${this.params.seed}-live-${this.params.runId ?? '0'}-${this.liveSeq++}`;
      if (rnd.chance(0.03)) {
        const payment = this.payment(account, nowMs, idOf());
        if (payment) out.push(payment);
      } else {
        out.push(...this.charge(account, rnd, nowMs, idOf, amountScale));
      }
    }
    return out.slice(0, Math.max(count, 0));
  }

  /** What an account owes now (charges - refunds - credits - payments). */
  balanceOf(customerId: string): number {
    return this.balances.get(customerId) ?? 0;
  }

  private charge(account: SimAccount, rnd: Random, at: number, idOf: () => string, scale = 1): TransactionEvent[] {
    const amount = Math.max(1, Math.round((account.monthlySpendMinor / account.chargesPerMonth) * rnd.jitter(0.35) * scale));
    const cost = Math.round(amount * (1 - account.marginRate));
    const product = rnd.pick(['voice', 'data', 'roaming', 'sms', 'cloud-pbx', 'iot']);
    const out: TransactionEvent[] = [this.tx(account, idOf(), at, 'CHARGE', amount, cost, product)];
    let owed = amount;
    if (rnd.chance(0.03)) {
      const refund = Math.max(1, Math.round(amount * (0.2 + rnd.next() * 0.8)));
      out.push(this.tx(account, idOf(), at + 60_000, 'REFUND', refund, 0, product));
      owed -= refund;
    } else if (rnd.chance(0.005)) {
      const credit = -Math.max(1, Math.round(amount * 0.1));
      out.push(this.tx(account, idOf(), at + 60_000, 'ADJUSTMENT', credit, 0, 'goodwill-credit'));
      owed += credit;
    }
    this.balances.set(account.customerId, this.balanceOf(account.customerId) + owed);
    return out;
  }

  private payment(account: SimAccount, at: number, id: string): TransactionEvent | null {
    const owed = this.balanceOf(account.customerId);
    const amount = Math.round(owed * account.payShare);
    if (amount <= 0) return null;
    this.balances.set(account.customerId, owed - amount);
    return this.tx(account, id, at, 'PAYMENT', amount, 0, null);
  }

  private tx(
    account: SimAccount,
    transactionId: string,
    occurredAt: number,
    kind: TransactionEvent['kind'],
    amountMinor: number,
    costMinor: number,
    product: string | null,
  ): TransactionEvent {
    return { transactionId, customerId: account.customerId, occurredAt, kind, amountMinor, costMinor, currency: this.currency, product };
  }
}

/** A second of the day, weighted towards business hours (08:00-20:00). */
function businessSecond(rnd: Random): number {
  return rnd.chance(0.85) ? 8 * 3600 + rnd.int(12 * 3600) : rnd.int(24 * 3600);
}

/** First index whose cumulative value exceeds x. */
function lowerBound(cumulative: readonly number[], x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 0) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
