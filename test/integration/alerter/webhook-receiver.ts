import http from 'node:http';
import { verifyWebhook } from '../../../services/alerter/src/webhook-signature';

export interface ReceivedCall {
  alertId: string;
  status: number;
  signatureValid: boolean;
  body: Record<string, unknown>;
}

/**
 * A real HTTP server for webhook calls: checks each call's HMAC signature, answers with the
 * status `answer` chooses (by alertId and attempt number), and records every call.
 */
export async function startWebhookReceiver(params: { secret: string; answer: (alertId: string, attempt: number) => number }) {
  const calls: ReceivedCall[] = [];
  const listeners: Array<(call: ReceivedCall) => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const alertId = String(req.headers['x-tierflow-alert-id'] ?? '');
      const signatureValid = verifyWebhook(
        params.secret,
        String(req.headers['x-tierflow-timestamp'] ?? ''),
        body,
        String(req.headers['x-tierflow-signature'] ?? ''),
      );
      const attempt = calls.filter((c) => c.alertId === alertId).length + 1;
      const status = signatureValid ? params.answer(alertId, attempt) : 401;
      const call = { alertId, status, signatureValid, body: JSON.parse(body) as Record<string, unknown> };
      calls.push(call);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      for (const l of listeners) l(call);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    calls,
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
