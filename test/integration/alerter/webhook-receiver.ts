import http from 'node:http';
import { verifyWebhook, type VerifyResult } from '../../../services/alerter/src/webhook-signature';

export interface ReceivedCall {
  alertId: string;
  status: number;
  signatureValid: boolean;
  verify: VerifyResult;
  /** the webhook-timestamp header, Unix seconds */
  timestamp: number;
  body: Record<string, unknown>;
  path: string;
}

/**
 * A real HTTP server for webhook calls: verifies each call as a Standard Webhooks receiver does
 * (signature over id.timestamp.body, timestamp within the tolerance), answers with the status
 * `answer` chooses (by alertId and attempt number) after `delayMs` (a slow receiver), and
 * records every call, and how many were in flight at once.
 */
export async function startWebhookReceiver(params: {
  secret: string;
  answer: (alertId: string, attempt: number) => number;
  delayMs?: (alertId: string, attempt: number) => number;
  toleranceSeconds?: number;
}) {
  const calls: ReceivedCall[] = [];
  const listeners: Array<(call: ReceivedCall) => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const attempts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const alertId = String(req.headers['webhook-id'] ?? '');
      const verify = verifyWebhook({
        secret: params.secret,
        id: req.headers['webhook-id'] as string | undefined,
        timestamp: req.headers['webhook-timestamp'] as string | undefined,
        signature: req.headers['webhook-signature'] as string | undefined,
        body,
        toleranceSeconds: params.toleranceSeconds,
      });
      const attempt = (attempts.get(alertId) ?? 0) + 1;
      attempts.set(alertId, attempt);
      const status = verify.ok ? params.answer(alertId, attempt) : 401;
      const finish = () => {
        inFlight -= 1;
        if (res.destroyed) return; // the sender gave up (its timeout)
        const call = {
          alertId, status, signatureValid: verify.ok, verify, timestamp: Number(req.headers['webhook-timestamp']),
          body: JSON.parse(body) as Record<string, unknown>, path: req.url ?? '',
        };
        calls.push(call);
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
        for (const l of listeners) l(call);
      };
      const delay = params.delayMs?.(alertId, attempt) ?? 0;
      if (delay > 0) setTimeout(finish, delay);
      else finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    calls,
    maxInFlight: () => maxInFlight,
    /** resolves at the first call `match` accepts (already received ones count) */
    waitFor: (match: (c: ReceivedCall) => boolean, timeoutMs = 60_000) =>
      new Promise<ReceivedCall>((resolve, reject) => {
        const found = calls.find(match);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error('webhook call not received in time')), timeoutMs);
        listeners.push((c) => {
          if (match(c)) {
            clearTimeout(timer);
            resolve(c);
          }
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A real redirecting receiver: every call to /alerts is answered 307 (or `status`) to /stolen on
 * the same server, which records whatever reaches it. A sender that follows redirects re-sends the
 * signed body there.
 */
export async function startRedirectingReceiver(status = 307) {
  const stolen: string[] = [];
  let redirects = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/stolen')) {
        stolen.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end('{}');
        return;
      }
      redirects += 1;
      res.writeHead(status, { location: `http://127.0.0.1:${port}/stolen` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    stolen,
    redirects: () => redirects,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
