import { randomUUID } from 'node:crypto';
import type { Logger } from '@tierflow/shared/logger';
import type { AlertStore } from './alert-store';
import type { Alert } from './alert-types';
import { backoffMs, DeliveryError } from './retry-policy';
import type { WebhookSend } from './webhook-sink';

export interface DispatchConfig {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  leaseMs: number;
  idlePollMs: number;
}

/**
 * Delivers the queue in order, one alert at a time, to the log sink and (when configured) the
 * webhook: retries a retriable failure with exponential backoff, dead-letters after the last
 * attempt or on a non-retriable answer, then takes the alert off the queue. One dispatcher
 * holds a lease in Redis at a time. An alert is taken off only after it was handled, so a
 * crash re-delivers at most the alert in flight.
 */
export function createAlertDispatcher(params: {
  store: AlertStore;
  webhook: WebhookSend | null;
  logger: Logger;
  config: DispatchConfig;
  onOutcome?: (outcome: 'delivered' | 'dead' | 'retry', alert: Alert) => void;
}) {
  const { store, config, logger } = params;
  const token = randomUUID();
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  const logSink = (alert: Alert) =>
    logger.info({ sink: 'log', alert }, `alert ${alert.kind} for ${alert.customerId} -> ${alert.recipient}`);

  const deliver = async (alert: Alert): Promise<{ ok: true } | { ok: false; error: DeliveryError; attempts: number }> => {
    if (!params.webhook) return { ok: true };
    for (let attempt = 1; ; attempt++) {
      try {
        await params.webhook(alert);
        return { ok: true };
      } catch (err) {
        const error = err instanceof DeliveryError ? err : new DeliveryError('NETWORK', (err as Error).message, true);
        if (!error.retriable || attempt >= config.maxAttempts || !running) {
          return { ok: false, error, attempts: attempt };
        }
        params.onOutcome?.('retry', alert);
        const delay = backoffMs(attempt, config.backoffBaseMs, config.backoffMaxMs);
        logger.warn({ alertId: alert.alertId, attempt, delay, err: error.message }, 'webhook failed, retrying');
        await sleep(delay);
        if (!(await store.holdLease(token, config.leaseMs))) return { ok: false, error, attempts: -1 };
      }
    }
  };

  const step = async (): Promise<boolean> => {
    if (!(await store.holdLease(token, config.leaseMs))) return false;
    const raw = await store.head();
    if (!raw) return false;
    const alert = JSON.parse(raw) as Alert;
    // keep the lease while a slow call or a backoff runs, so no other dispatcher takes the head
    let leaseKept = true;
    const renew = setInterval(() => {
      void store.holdLease(token, config.leaseMs).then(
        (held) => (leaseKept = leaseKept && held),
        () => undefined,
      );
    }, Math.max(100, Math.floor(config.leaseMs / 3)));
    const result = await deliver(alert).finally(() => clearInterval(renew));
    if (!leaseKept) logger.warn({ alertId: alert.alertId }, 'dispatcher lease was lost during a delivery');
    if (!result.ok && result.attempts === -1) return false; // lost the lease: the holder goes on
    if (!result.ok && !running) return false; // stopping: leave it queued for the next start
    logSink(alert);
    if (result.ok) {
      await store.complete(raw, 'delivered');
      params.onOutcome?.('delivered', alert);
    } else {
      await store.complete(raw, 'dead', {
        alert,
        code: result.error.code,
        reason: result.error.message,
        attempts: result.attempts,
        at: Date.now(),
      });
      params.onOutcome?.('dead', alert);
      logger.error({ alertId: alert.alertId, attempts: result.attempts, err: result.error.message }, 'alert dead-lettered');
    }
    return true;
  };

  return {
    /** Wakes an idle dispatcher (after new alerts were queued). */
    poke: () => wake?.(),
    start: () => {
      running = true;
      loop = (async () => {
        while (running) {
          try {
            if (!(await step())) await sleep(config.idlePollMs);
          } catch (err) {
            logger.error({ err: (err as Error).message }, 'dispatch step failed');
            await sleep(config.idlePollMs);
          }
        }
      })();
    },
    stop: async () => {
      running = false;
      wake?.();
      await loop;
      await store.releaseLease(token).catch(() => undefined);
    },
  };
}
