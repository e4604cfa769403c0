export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker for one destination: after `failureThreshold` failures in a row it opens
 * and no call is made for `cooldownMs`; then one trial call is let through (half-open): its
 * success closes the breaker, its failure opens it again. Pure: the clock is passed in.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: BreakerState = 'closed';
  private trialInFlight = false;

  constructor(private readonly params: { failureThreshold: number; cooldownMs: number; onChange?: (state: BreakerState) => void }) {}

  state(): BreakerState {
    return this.current;
  }

  /** Whether a call may go now. In half-open, only one at a time (the trial). */
  tryAcquire(now: number): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (now - this.openedAt < this.params.cooldownMs) return false;
      this.set('half-open');
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Milliseconds until a call may be tried again (0 when closed). */
  waitMs(now: number): number {
    if (this.current === 'open') return Math.max(0, this.params.cooldownMs - (now - this.openedAt));
    return this.current === 'half-open' && this.trialInFlight ? 100 : 0;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.current !== 'closed') this.set('closed');
  }

  /** A failure that says the destination is unwell (network, timeout, 5xx, 429). */
  failure(now: number): void {
    this.failures += 1;
    this.trialInFlight = false;
    if (this.current === 'half-open' || this.failures >= this.params.failureThreshold) {
      this.openedAt = now;
      if (this.current !== 'open') this.set('open');
    }
  }

  /** An answer that is the request's fault (4xx, a redirect): the destination is up. */
  neutral(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.current === 'half-open') this.set('closed');
  }

  private set(state: BreakerState): void {
    this.current = state;
    this.params.onChange?.(state);
  }
}
