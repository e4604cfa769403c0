import { DeliveryError, statusRetriable } from './retry-policy';
import type { Alert } from '@tierflow/domain/alerts/alert-types';
import { ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature';

/**
 * One signed POST of an alert as JSON (Standard Webhooks headers; webhook-id is the alertId, the
 * same on every retry, so a receiver de-duplicates). A redirect is never followed: the signed
 * body must not go to a place the operator did not configure, so a 3xx is a non-retriable
 * failure. Throws DeliveryError (with `retriable`) on failure.
 */
export function createWebhookSink(params: { url: string; secret: string; timeoutMs: number; now?: () => number }) {
  const now = params.now ?? Date.now;
  const send = async function send(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    const timestamp = String(Math.floor(now() / 1000));
    let res: Response;
    try {
      res = await fetch(params.url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          [ID_HEADER]: alert.alertId,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(params.secret, alert.alertId, timestamp, body),
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
    if (res.status >= 300 && res.status < 400) {
      throw new DeliveryError('REDIRECT', `webhook answered a redirect (${res.status}) to ${res.headers.get('location') ?? '?'}: not followed`, false, res.status);
    }
    if (res.status < 200 || res.status >= 300) {
      throw new DeliveryError('HTTP_STATUS', `webhook answered ${res.status}`, statusRetriable(res.status), res.status);
    }
  };
  return Object.assign(send, { destination: new URL(params.url).origin });
}

export type WebhookSend = ReturnType<typeof createWebhookSink>;
