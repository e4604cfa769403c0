import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tierflow-signature';
export const TIMESTAMP_HEADER = 'x-tierflow-timestamp';
export const ALERT_ID_HEADER = 'x-tierflow-alert-id';

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`: the body and when it was signed. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Constant-time check of a signature header against the body and timestamp. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
