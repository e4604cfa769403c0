import { randomUUID } from 'node:crypto';
import type { Logger } from '@tierflow/runtime/service/logger';
import type { AlertStore } from './alert-store';
import type { Alert } from '@tierflow/domain/alerts/alert-types';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import type { DeliveryQueue } from './delivery-queue';
import { backoffMs, DeliveryError } from './retry-policy';
import type { WebhookSend } from './webhook-sink';
import { Sleepers } from '@tierflow/runtime/timing/sleepers';

export interface DispatchConfig {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  leaseMs: number;
  idlePollMs: number;
  /** deliveries in flight at once to the destination */
  concurrency: number;
  /** failures in a row (network, timeout, 5xx, 429) that open the destination's breaker */
  breakerFailures: number;
  /** how long an open breaker makes no call before one trial */
  breakerCooldownMs: number;
}

/** deliveries in flight when the log is the only sink */
const LOG_ONLY_CONCURRENCY = 64;

type Outcome = { ok: true } | { ok: false; error: DeliveryError; attempts: number } | { ok: false; stopped: true };

/**
 * Delivers the queue to the log sink and (when configured) the webhook, up to `concurrency`
 * alerts at a time (oldest first), so one slow call no longer holds up everything behind it.
 * Each alert is retried on a retriable failure with exponential backoff and dead-lettered after
 * the last attempt or on a non-retriable answer (a 4xx, a redirect). A circuit breaker per
 * destination stops calling a destination that keeps failing; while it is open, alerts wait in
 * the queue (they are not dead-lettered, and attempts are not spent). One dispatcher holds a
 * lease in Redis at a time. An alert is taken off only after it was handled, so a crash
 * re-delivers at most the alerts in flight (webhook-id lets a receiver de-duplicate).
 */
export function createAlertDispatcher(params: {
  store: AlertStore;
  queue: DeliveryQueue;
  webhook: WebhookSend | null;
  logger: Logger;
  config: DispatchConfig;
  onOutcome?: (outcome: 'delivered' | 'dead' | 'retry', alert: Alert) => void;
  onBreaker?: (destination: string, state: BreakerState) => void;
  onInFlight?: (n: number) => void;
}) {
  const { store, queue, config, logger } = params;
  const token = randomUUID();
  const destination = params.webhook?.destination ?? 'log';
  const breaker = new CircuitBreaker({
    failureThreshold: config.breakerFailures,
    cooldownMs: config.breakerCooldownMs,
    onChange: (state) => {
      (state === 'open' ? logger.error.bind(logger) : logger.info.bind(logger))({ destination, state }, `webhook circuit ${state}`);
      params.onBreaker?.(destination, state);
    },
  });
  const inFlight = new Map<string, Promise<void>>();
  // the log sink takes an alert at once: more in flight lets their completions go out together
  const concurrency = params.webhook ? config.concurrency : Math.max(config.concurrency, LOG_ONLY_CONCURRENCY);
  let running = false;
  let leaseHeld = false;
  let leaseRenewedAt = -Infinity;
  let loop: Promise<void> | null = null;
  // the loop's idle sleep ends at poke(); a delivery's backoff or breaker wait ends only at stop()
  let loopWake: (() => void) | null = null;
  const backoffs = new Sleepers(); // ended at stop()
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        loopWake = null;
        resolve();
      }, ms);
      loopWake = () => {
        clearTimeout(t);
        loopWake = null;
        resolve();
      };
    });
  const wakeAll = () => loopWake?.();

  const logSink = (alert: Alert) =>
    logger.info({ sink: 'log', alert }, `alert ${alert.kind} for ${alert.customerId} -> ${alert.recipient}`);

  const deliver = async (alert: Alert): Promise<Outcome> => {
    const webhook = params.webhook;
    if (!webhook) return { ok: true };
    for (let attempt = 1; ; ) {
      if (!running || !leaseHeld) return { ok: false, stopped: true };
      if (!breaker.tryAcquire(Date.now())) {
        await backoffs.sleep(Math.max(50, breaker.waitMs(Date.now())));
        continue; // waiting on the breaker spends no attempt
      }
      try {
        await webhook(alert);
        breaker.success();
        return { ok: true };
      } catch (err) {
        const error = err instanceof DeliveryError ? err : new DeliveryError('NETWORK', (err as Error).message, true);
        if (error.retriable) breaker.failure(Date.now());
        else breaker.neutral();
        if (!error.retriable || attempt >= config.maxAttempts) return { ok: false, error, attempts: attempt };
        params.onOutcome?.('retry', alert);
        const delay = backoffMs(attempt, config.backoffBaseMs, config.backoffMaxMs);
        logger.warn({ alertId: alert.alertId, attempt, delay, err: error.message }, 'webhook failed, retrying');
        attempt += 1;
        await backoffs.sleep(delay);
      }
    }
  };

  const handle = async (raw: string): Promise<void> => {
    const alert = JSON.parse(raw) as Alert;
    const result = await deliver(alert);
    if (!result.ok && 'stopped' in result) return; // stopping or lease lost: it stays queued
    logSink(alert);
    if (result.ok) {
      if (await queue.complete(raw, 'delivered')) params.onOutcome?.('delivered', alert);
      return;
    }
    const dead = { alert, code: result.error.code, reason: result.error.message, attempts: result.attempts, at: Date.now() };
    if (await queue.complete(raw, 'dead', dead)) params.onOutcome?.('dead', alert);
    logger.error({ alertId: alert.alertId, attempts: result.attempts, err: result.error.message }, 'alert dead-lettered');
  };

  /** Starts deliveries for queued alerts not in flight yet, up to the concurrency. */
  const fill = async (): Promise<number> => {
    const free = concurrency - inFlight.size;
    if (free <= 0) return 0;
    let started = 0;
    for (const raw of await queue.window(concurrency * 2)) {
      if (started >= free) break;
      if (inFlight.has(raw)) continue;
      const job = handle(raw)
        .catch((err: Error) => logger.error({ err: err.message }, 'delivery failed'))
        .finally(() => {
          inFlight.delete(raw);
          params.onInFlight?.(inFlight.size);
          wakeAll();
        });
      inFlight.set(raw, job);
      started += 1;
    }
    params.onInFlight?.(inFlight.size);
    return started;
  };

  return {
    /** Wakes an idle dispatcher (after new alerts were queued). */
    poke: wakeAll,
    breakerState: () => breaker.state(),
    start: () => {
      running = true;
      loop = (async () => {
        while (running) {
          try {
            // the lease is renewed at least every leaseMs / 3 while this instance delivers (not at
            // every wake: a wake per finished delivery made it a round trip per alert)
            const now = Date.now();
            if (!leaseHeld || now - leaseRenewedAt >= config.leaseMs / 3) {
              leaseHeld = await store.holdLease(token, config.leaseMs);
              if (leaseHeld) leaseRenewedAt = now;
            }
            if (leaseHeld) await fill();
          } catch (err) {
            logger.error({ err: (err as Error).message }, 'dispatch step failed');
          }
          await idle(Math.min(config.idlePollMs, Math.max(50, Math.floor(config.leaseMs / 3))));
        }
      })();
    },
    stop: async () => {
      running = false;
      wakeAll();
      backoffs.wakeAll();
      await loop;
      await Promise.all(inFlight.values());
      await store.releaseLease(token).catch(() => undefined);
    },
  };
}
