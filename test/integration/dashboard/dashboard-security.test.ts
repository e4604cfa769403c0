import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { produce } from '../../../tools/testkit/src/kafka-io';
import { freePort } from '../../../tools/testkit/src/free-port';
import { stackSecurity } from '../../support/secure-stack';
import { encodeMessage, registerInputSchemas, tierChangeValue } from '../churn/churn-fixtures';
import { PipelineHarness } from './pipeline-harness';

// The real dashboard service (its main.ts) with a token, small limits, and a TLS twin.
const h = new PipelineHarness();
const token = 'dashboard-security-token-0123456789';
const sec = stackSecurity();
const ca = readFileSync(sec.files.caCert, 'utf8');
let port = 0;
let tlsPort = 0;

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request with exactly the headers given (fetch does not let a test set Host). */
function request(path: string, headers: Record<string, string> = {}, options: { method?: string; tls?: boolean; port?: number } = {}): Promise<Answer> {
  const send = options.tls ? https.request : http.request;
  const p = options.port ?? (options.tls ? tlsPort : port);
  return new Promise((resolve, reject) => {
    const req = send({ host: '127.0.0.1', port: p, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${p}`, ...headers }, ...(options.tls ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
const auth = { Authorization: `Bearer ${token}` };

/** An SSE connection kept open; `lines` fills as events arrive. */
function openStream(headers: Record<string, string> = auth): Promise<{ status: number; close: () => void; received: () => number }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const req = http.get({ host: '127.0.0.1', port, path: '/events', headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      res.on('data', (c: Buffer) => (bytes += c.length));
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy(), received: () => bytes });
    });
    req.on('error', reject);
  });
}

async function metric(name: string): Promise<number> {
  const text = (await request('/metrics', auth)).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

beforeAll(async () => {
  await h.createTopics();
  port = await freePort();
  tlsPort = await freePort();
  const common = { DASHBOARD_API_TOKEN: token, DASHBOARD_SSE_MAX: '4', DASHBOARD_SSE_MAX_BUFFER_BYTES: '65536', DASHBOARD_AUTH_FAILURES_PER_MINUTE: '5' };
  h.startService('dashboard', { ...common, DASHBOARD_PORT: String(port) });
  h.startService('dashboard', { ...common, DASHBOARD_PORT: String(tlsPort), DASHBOARD_TLS_CERT_FILE: sec.files.serverCert, DASHBOARD_TLS_KEY_FILE: sec.files.serverKey, KAFKA_GROUP_ID: `tls-${h.id}` });
  await h.waitFor('both dashboards ready', async () => {
    const a = await request('/readyz').catch(() => null);
    const b = await request('/readyz', {}, { tls: true }).catch(() => null);
    return a?.status === 200 && b?.status === 200;
  }, 90_000);
}, 120_000);

afterAll(async () => {
  await h.close();
});

describe('the dashboard\'s security layer (real service processes)', () => {
  it('DNS rebinding: a foreign Host gets 403 even with the token; an Origin from elsewhere too', async () => {
    expect((await request('/api/summary', { ...auth, Host: 'attacker.example' })).status).toBe(403);
    expect((await request('/api/summary', { ...auth, Host: `attacker.example:${port}` })).status).toBe(403);
    expect((await request('/healthz', { Host: 'attacker.example' })).status).toBe(403);
    expect((await request('/api/scopes', auth)).status).toBe(200);
    expect((await request('/api/scopes', { ...auth, Host: `localhost:${port}` })).status).toBe(200);
    const cross = await request('/api/scopes', { ...auth, Origin: 'http://attacker.example' });
    expect(cross.status).toBe(403);
    expect(JSON.parse(cross.body).error).toBe('ORIGIN_NOT_ALLOWED');
    expect((await request('/api/scopes', { ...auth, Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('the token only in the header or a session cookie from a one-time exchange; ?token= is refused', async () => {
    const inUrl = await request(`/api/scopes?token=${token}`);
    expect(inUrl.status).toBe(401);
    expect(JSON.parse(inUrl.body).reason).toMatch(/a token in the URL is not accepted/);
    const exchange = await request('/auth/session', auth, { method: 'POST' });
    expect(exchange.status).toBe(204);
    const cookie = String(exchange.headers['set-cookie']);
    expect(cookie).toMatch(/^tierflow_session=[\w-]{40,}; HttpOnly; SameSite=Strict; Path=\//);
    expect(cookie).not.toMatch(/Secure/); // plain http here
    expect(cookie).not.toContain(token);
    expect((await request('/api/scopes', { Cookie: cookie.split(';')[0]! })).status).toBe(200);
    expect((await request('/api/scopes', { Cookie: 'tierflow_session=made-up' })).status).toBe(401);
    expect((await request('/login')).status).toBe(200); // the sign-in page itself is open
  });

  it('security headers from helmet; HSTS and a Secure cookie only under TLS', async () => {
    const plain = await request('/', auth);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(plain.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(plain.headers['referrer-policy']).toBe('no-referrer');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const secure = await request('/', auth, { tls: true });
    expect(secure.status).toBe(200);
    expect(secure.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const exchange = await request('/auth/session', auth, { method: 'POST', tls: true });
    expect(String(exchange.headers['set-cookie'])).toMatch(/; Secure/);
    // 401s carry the headers too
    expect((await request('/api/scopes')).headers['x-content-type-options']).toBe('nosniff');
  });

  it('caps SSE connections (the next gets 503) and disconnects a reader that does not keep up', async () => {
    const streams = [];
    for (let i = 0; i < 4; i++) streams.push(await openStream());
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    const fifth = await request('/events', auth);
    expect(fifth.status).toBe(503);
    expect(JSON.parse(fifth.body).error).toBe('TOO_MANY_STREAMS');
    streams.pop()!.close();
    await h.waitFor('a slot free again', async () => (await metric('dashboard_sse_connections')) === 3);
    // a slow reader: a raw socket that asks for the stream and never reads
    const slow = net.connect({ host: '127.0.0.1', port });
    slow.pause();
    slow.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    let slowClosed = false;
    slow.on('close', () => (slowClosed = true));
    slow.on('error', () => undefined);
    await h.waitFor('the slow reader connected', async () => (await metric('dashboard_sse_connections')) === 4);
    // feed enough tier changes through the real topic to overflow kernel buffers and the 64 KiB limit
    const codec = new SchemaCodec({ registryUrl: h.connection.registryUrl });
    const { tierId } = await registerInputSchemas(codec, { aggregates: h.topics.aggregates, tierChanges: h.topics.tierChanges });
    const messages = Array.from({ length: 12_000 }, (_, n) =>
      encodeMessage(codec, tierId, `SLOW${n % 500}`, tierChangeValue({ customerId: `SLOW${n % 500}`, fromTier: 'B', toTier: 'A', at: 1_700_000_000_000 + n, n })));
    await produce(h.kafka, h.topics.tierChanges, messages);
    await h.waitFor('the slow reader disconnected', async () => (await metric('dashboard_sse_slow_disconnects_total')) >= 1, 90_000);
    slow.resume(); // reading now drains what was sent before the server hung up, then the close shows
    await h.waitFor('its socket closed by the server', async () => slowClosed, 30_000);
    // the readers that keep up stayed connected and received the feed
    expect(streams.every((s) => s.received() > 100_000)).toBe(true);
    expect(await metric('dashboard_sse_connections')).toBe(3);
    for (const s of streams) s.close();
  });

  it('wrong tokens are rate-limited per address: past the limit even the right token gets 429 for the window', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await request('/api/scopes', { Authorization: `Bearer wrong-token-${i}-xxxxxxxxxxxx` })).status);
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.slice(5)).toEqual([429, 429]);
    const right = await request('/api/scopes', auth);
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // the probes stay open, with the body shape every service has
    const health = await request('/healthz');
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok', service: 'dashboard' }]);
    const ready = await request('/readyz');
    expect([ready.status, JSON.parse(ready.body)]).toEqual([200, { status: 'ready', service: 'dashboard' }]);
  });
});
