import type { OracleEvent } from './aggregate-oracle';

/** A small deterministic PRNG (mulberry32), so fixtures are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FixtureEvent = Omit<OracleEvent, 'partition'>;

/**
 * Billing events over `days` days from `startMs`, mostly in time order with some jitter, a
 * Pareto-like spread of spend over customers, all four kinds, resends (same id and content) and
 * a few events later than the lateness.
 */
export function generateTransactions(p: {
  count: number;
  customers: number;
  startMs: number;
  days: number;
  seed: number;
  resendEvery?: number;
  lateEvery?: number;
}): FixtureEvent[] {
  const rnd = prng(p.seed);
  const out: FixtureEvent[] = [];
  const span = p.days * 86_400_000;
  for (let i = 0; i < p.count; i++) {
    if (p.resendEvery && i > 0 && i % p.resendEvery === 0) {
      out.push({ ...out[out.length - 1 - Math.floor(rnd() * Math.min(100, out.length))]! }); // billing resends are recent
      continue;
    }
    const customer = Math.floor(p.customers * Math.pow(rnd(), 3)); // low ids spend most
    let at = p.startMs + Math.floor((i / p.count) * span) + Math.floor((rnd() - 0.5) * 3_600_000);
    if (p.lateEvery && i > 0 && i % p.lateEvery === 0) at -= 20 * 86_400_000;
    const roll = rnd();
    const kind = roll < 0.8 ? 'CHARGE' : roll < 0.88 ? 'REFUND' : roll < 0.93 ? 'ADJUSTMENT' : 'PAYMENT';
    const amount = 100 + Math.floor(rnd() * 50_000);
    out.push({
      transactionId: `tx-${p.seed}-${i}`,
      customerId: `C${String(customer).padStart(6, '0')}`,
      occurredAt: Math.max(0, at),
      kind,
      amountMinor: kind === 'ADJUSTMENT' ? (rnd() < 0.5 ? -amount : amount) : amount,
      costMinor: kind === 'PAYMENT' ? 0 : Math.floor(amount * (0.3 + rnd() * 0.5)),
      currency: 'USD',
      product: rnd() < 0.5 ? 'voice' : null,
    });
  }
  return out;
}
