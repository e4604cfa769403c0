import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures as the Standard Webhooks specification has them, so receivers can verify
 * with its libraries: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated when several). A secret
 * written `whsec_<base64>` is the base64-decoded key (what the libraries take); any other secret
 * is used as its UTF-8 bytes.
 */
export const ID_HEADER = 'webhook-id';
export const TIMESTAMP_HEADER = 'webhook-timestamp';
export const SIGNATURE_HEADER = 'webhook-signature';
/** Default tolerance of a receiver: a timestamp further than this from its clock is refused (replays). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>` */
export function signWebhook(secret: string, id: string, timestampSeconds: string, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'MISSING_HEADER' | 'BAD_TIMESTAMP' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'BAD_SIGNATURE' };

/**
 * What a receiver does: refuses a call without the three headers, one whose timestamp is more
 * than `toleranceSeconds` away from its clock (a captured call replayed later, or a "signature
 * from 1970"), and one where no `v1` signature matches (constant-time comparison).
 */
export function verifyWebhook(params: {
  secret: string;
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  toleranceSeconds?: number;
  nowSeconds?: number;
}): VerifyResult {
  const { id, timestamp, signature } = params;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'MISSING_HEADER' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'BAD_TIMESTAMP' };
  const now = params.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (params.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  }
  const expected = Buffer.from(signWebhook(params.secret, id, timestamp, params.body));
  for (const candidate of signature.split(' ')) {
    const given = Buffer.from(candidate);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'BAD_SIGNATURE' };
}
