import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alerterConfigFromEnv } from '../../../services/alerter/src/alerter-config';
import { CircuitBreaker } from '../../../services/alerter/src/circuit-breaker';
import { signWebhook, verifyWebhook } from '../../../services/alerter/src/webhook-signature';
import { webhookUrlProblem } from '../../../services/alerter/src/webhook-url';

describe('Standard Webhooks signature', () => {
  const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
  const body = '{"a":1}';

  it('is v1,base64(HMAC-SHA256(key, id.timestamp.body)) with the whsec_ key base64-decoded', () => {
    const expected = createHmac('sha256', Buffer.from('0123456789abcdef0123456789abcdef')).update(`msg_1.1700000000.${body}`).digest('base64');
    expect(signWebhook(secret, 'msg_1', '1700000000', body)).toBe(`v1,${expected}`);
    // a plain secret is its UTF-8 bytes
    const plain = createHmac('sha256', 's3cret-s3cret-123').update(`msg_1.1700000000.${body}`).digest('base64');
    expect(signWebhook('s3cret-s3cret-123', 'msg_1', '1700000000', body)).toBe(`v1,${plain}`);
  });

  it('verifies within the tolerance and refuses an old timestamp, a future one, a changed body or id, a missing header', () => {
    const now = 1_700_000_000;
    const sig = signWebhook(secret, 'msg_1', String(now), body);
    const v = (o: Partial<Parameters<typeof verifyWebhook>[0]>) =>
      verifyWebhook({ secret, id: 'msg_1', timestamp: String(now), signature: sig, body, nowSeconds: now + 10, ...o });
    expect(v({})).toEqual({ ok: true });
    expect(v({ signature: `v1,AAAA ${sig}` })).toEqual({ ok: true }); // one of several
    expect(v({ nowSeconds: now + 301 })).toEqual({ ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(v({ nowSeconds: now - 301 })).toEqual({ ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(v({ nowSeconds: now + 3_000, toleranceSeconds: 3_600 })).toEqual({ ok: true });
    // the attack from the issue: a signature made for 1970 (timestamp 0) no longer verifies
    const of1970 = signWebhook(secret, 'msg_1', '0', body);
    expect(v({ timestamp: '0', signature: of1970 })).toEqual({ ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(v({ body: '{"a":2}' })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(v({ id: 'msg_2' })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(v({ secret: 'whsec_' + Buffer.from('another key entirely!').toString('base64') })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(v({ timestamp: undefined })).toEqual({ ok: false, reason: 'MISSING_HEADER' });
    expect(v({ timestamp: '1e9' })).toEqual({ ok: false, reason: 'BAD_TIMESTAMP' });
  });
});

describe('webhook destinations', () => {
  it('https anywhere public; http only to loopback or with the flag; no other scheme, credentials or link-local address', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/x', false)).toBeNull();
    expect(webhookUrlProblem('http://[::1]:8080/x', false)).toBeNull();
    expect(webhookUrlProblem('http://localhost/x', false)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/x', false)).toMatch(/plain http is allowed only/);
    expect(webhookUrlProblem('http://hooks.example.com/x', true)).toBeNull();
    // the attacks from the issue
    expect(webhookUrlProblem('file:///etc/passwd', true)).toMatch(/scheme file: is not allowed/);
    expect(webhookUrlProblem('gopher://127.0.0.1:6379/_FLUSHALL', true)).toMatch(/scheme gopher: is not allowed/);
    expect(webhookUrlProblem('http://169.254.169.254/latest/meta-data/', true)).toMatch(/169\.254\.169\.254 is not allowed/);
    expect(webhookUrlProblem('https://169.254.169.254/', false)).toMatch(/not allowed/);
    expect(webhookUrlProblem('https://[fe80::1]/', false)).toMatch(/not allowed/);
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', false)).toMatch(/credentials/);
    expect(webhookUrlProblem('not a url', false)).toMatch(/expected an https URL/);
  });

  it('the alerter config refuses them naming WEBHOOK_URL', () => {
    const secret = { WEBHOOK_SECRET: 'abcdefghijklmnop' };
    expect(() => alerterConfigFromEnv({ ...secret, WEBHOOK_URL: 'gopher://127.0.0.1:6379/_x' })).toThrow(/WEBHOOK_URL: scheme gopher:/);
    expect(() => alerterConfigFromEnv({ ...secret, WEBHOOK_URL: 'http://10.1.2.3/x' })).toThrow(/WEBHOOK_URL: plain http/);
    expect(alerterConfigFromEnv({ ...secret, WEBHOOK_URL: 'http://10.1.2.3/x', WEBHOOK_ALLOW_HTTP: 'true' }).webhook?.url).toBe('http://10.1.2.3/x');
    expect(() => alerterConfigFromEnv({ WEBHOOK_CONCURRENCY: '0' })).toThrow(/WEBHOOK_CONCURRENCY/);
  });
});

describe('circuit breaker', () => {
  it('opens after N failures in a row, lets one trial through after the cooldown, closes on its success', () => {
    const states: string[] = [];
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, onChange: (s) => states.push(s) });
    b.failure(0);
    b.failure(1);
    b.success(); // resets the run
    b.failure(2);
    b.failure(3);
    expect(b.state()).toBe('closed');
    b.failure(4);
    expect(b.state()).toBe('open');
    expect(b.tryAcquire(500)).toBe(false);
    expect(b.waitMs(500)).toBe(504);
    expect(b.tryAcquire(1_004)).toBe(true); // the trial
    expect(b.state()).toBe('half-open');
    expect(b.tryAcquire(1_005)).toBe(false); // only one trial at a time
    b.failure(1_010); // the trial failed: open again, a new cooldown
    expect(b.state()).toBe('open');
    expect(b.tryAcquire(1_500)).toBe(false);
    expect(b.tryAcquire(2_010)).toBe(true);
    b.success();
    expect(b.state()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('a 4xx or a redirect is the request\'s fault: it does not count towards opening', () => {
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000 });
    b.failure(0);
    b.neutral();
    b.failure(1);
    expect(b.state()).toBe('closed');
  });
});
