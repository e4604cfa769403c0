import { DeliveryError, statusRetriable } from './retry-policy';
import type { Alert } from './alert-types';
import { ALERT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature';

/** One signed POST of an alert as JSON. Throws DeliveryError (with `retriable`) on failure. */
export function createWebhookSink(params: { url: string; secret: string; timeoutMs: number; now?: () => number }) {
  const now = params.now ?? Date.now;
  return async function send(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    const timestamp = String(now());
    let res: Response;
    try {
      res = await fetch(params.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(params.secret, timestamp, body),
          [ALERT_ID_HEADER]: alert.alertId,
        },
        body,
        signal: AbortSignal.timeout(params.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      const e = err as Error;
      const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new DeliveryError(timeout ? 'TIMEOUT' : 'NETWORK', `webhook ${timeout ? 'timed out' : 'unreachable'}: ${e.message}`, true);
    }
    if (res.status < 200 || res.status >= 300) {
      throw new DeliveryError('HTTP_STATUS', `webhook answered ${res.status}`, statusRetriable(res.status), res.status);
    }
  };
}

export type WebhookSend = ReturnType<typeof createWebhookSink>;
