import type { CustomerProfile, TransactionEvent } from '@tierflow/contracts/events/event-types';
import { createPopulation } from './telecom-population';
import { DAY_MS, TelecomStream } from './telecom-stream';

/** Where the simulation writes (a BillingProducer, or anything with the same two calls). */
export interface BillingSink {
  sendProfiles(profiles: readonly CustomerProfile[]): Promise<void>;
  sendTransactions(events: readonly TransactionEvent[]): Promise<void>;
}

export interface SimulationParams {
  sink: BillingSink;
  seed: number;
  customers: number;
  /** days of history before today, produced as fast as the sink takes them */
  historyDays: number;
  /** live events per second after the history; 0 = none */
  rate: number;
  /**
   * How many times faster than real time the live stream runs (default 1440: a simulated day per
   * minute). Live amounts are scaled down so revenue grows at that pace whatever the event rate.
   */
  speedup?: number;
  /** stop the live phase after this many seconds; undefined = until aborted */
  liveSeconds?: number;
  now?: () => number;
  signal?: AbortSignal;
  /** called after the profiles are sent, before any transaction (e.g. to wait until the CRM data is stored) */
  afterProfiles?: (profiles: readonly CustomerProfile[]) => Promise<void>;
  onHistoryStart?: (days: number) => void;
  onHistoryDay?: (dayIndex: number, events: number) => void;
  onLiveStart?: () => void;
  onLiveBatch?: (events: number) => void;
}

export interface SimulationResult {
  profiles: number;
  historyEvents: number;
  liveEvents: number;
}

const TICK_MS = 250;
const HISTORY_BATCH = 2_000;

/** Profiles first, then each day of history in time order, then a live stream at the given rate. */
export async function runSimulation(p: SimulationParams): Promise<SimulationResult> {
  const now = p.now ?? Date.now;
  const today = Math.floor(now() / DAY_MS);
  const startDay = today - p.historyDays;
  const accounts = createPopulation({ seed: p.seed, customers: p.customers, startDay, endDay: today });
  const stream = new TelecomStream({ seed: p.seed, accounts, runId: String(now()) });
  const profiles = accounts.map((a) => a.profile);
  await p.sink.sendProfiles(profiles);
  await p.afterProfiles?.(profiles);
  const result: SimulationResult = { profiles: accounts.length, historyEvents: 0, liveEvents: 0 };
  p.onHistoryStart?.(p.historyDays);
  for (let d = startDay; d < today && !p.signal?.aborted; d++) {
    const events = stream.day(d);
    for (let i = 0; i < events.length; i += HISTORY_BATCH) {
      await p.sink.sendTransactions(events.slice(i, i + HISTORY_BATCH));
    }
    result.historyEvents += events.length;
    p.onHistoryDay?.(d - startDay + 1, events.length);
  }
  if (p.rate <= 0 || p.liveSeconds === 0) return result;
  p.onLiveStart?.();
  const liveStart = now();
  const amountScale = Math.min(1, (stream.chargesPerSecond * (p.speedup ?? 1440)) / p.rate);
  let carry = 0;
  while (!p.signal?.aborted && (p.liveSeconds === undefined || now() - liveStart < p.liveSeconds * 1000)) {
    const tickStart = now();
    carry += (p.rate * TICK_MS) / 1000;
    const count = Math.floor(carry);
    carry -= count;
    if (count > 0) {
      const events = stream.live(now(), count, amountScale);
      await p.sink.sendTransactions(events);
      result.liveEvents += events.length;
      p.onLiveBatch?.(events.length);
    }
    await sleep(Math.max(0, TICK_MS - (now() - tickStart)), p.signal);
  }
  return result;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
