import { describe, expect, it } from 'vitest';
import { parseCustomerId, parseLimit, RequestError } from '../../../shared/contracts/src/scopes/request-validation';
import { parseScope } from '../../../shared/contracts/src/scopes/scope';
import { bearerToken, cookieValue, tokenMatches } from '../../../services/dashboard/src/api-token';
import { trendOf } from '../../../shared/views/src/trend';

const reasonOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof RequestError ? [err.statusCode, err.code, err.message] : ['not a RequestError'];
  }
  return ['no error'];
};

describe('request validation', () => {
  it('accepts real customer ids and refuses malformed ones with a 400 and a reason', () => {
    expect(parseCustomerId('T000123')).toBe('T000123');
    expect(parseCustomerId('cdnow-00001')).toBe('cdnow-00001');
    expect(reasonOf(() => parseCustomerId(''))).toEqual([400, 'BAD_CUSTOMER_ID', 'customer id is empty']);
    expect(reasonOf(() => parseCustomerId('a b'))).toEqual([400, 'BAD_CUSTOMER_ID', 'customer id may only contain A-Z a-z 0-9 . _ : @ - (no spaces, control characters or braces)']);
    expect(reasonOf(() => parseCustomerId('x{p1}'))[0]).toBe(400);
    // one id rule with the aggregator (shared/contracts/src/validation/ids.ts): 100 characters at most
    expect(reasonOf(() => parseCustomerId('x'.repeat(101)))[2]).toMatch(/101 characters \(max 100\)/);
    expect(parseCustomerId('x'.repeat(100))).toBe('x'.repeat(100));
  });

  it('parses scopes and limits', () => {
    expect(parseScope(undefined)).toEqual({ kind: 'global' });
    expect(parseScope('region:north')).toEqual({ kind: 'region', region: 'north' });
    expect(reasonOf(() => parseScope('north'))).toEqual([400, 'BAD_SCOPE', 'scope must be "global" or "region:<name>", got "north"']);
    expect(parseLimit(undefined, 20, 500)).toBe(20);
    expect(parseLimit('7', 20, 500)).toBe(7);
    expect(reasonOf(() => parseLimit('0', 20, 500))[2]).toBe('limit must be between 1 and 500, got 0');
    expect(reasonOf(() => parseLimit('-1', 20, 500))[1]).toBe('BAD_LIMIT');
  });
});

describe('api token', () => {
  it('takes the token from the Authorization header only; the cookie holds a session id', () => {
    // a token only in the Authorization header; the cookie is a session id (never the token, never ?token=)
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(cookieValue('a=1; tierflow_session=def', 'tierflow_session')).toBe('def');
    expect(cookieValue('a=1', 'tierflow_session')).toBeNull();
  });

  it('matches only the exact token', () => {
    expect(tokenMatches('s3cret-token-value', 's3cret-token-value')).toBe(true);
    expect(tokenMatches('s3cret-token-value', 's3cret-token-valuX')).toBe(false);
    expect(tokenMatches('s3cret-token-value', 's3cret')).toBe(false);
    expect(tokenMatches('s3cret-token-value', null)).toBe(false);
  });
});

describe('trendOf', () => {
  it('classifies window growth', () => {
    expect(trendOf(110, 100).trend).toBe('up');
    expect(trendOf(110, 100).growth).toBeCloseTo(0.1, 12);
    expect(trendOf(50, 100)).toEqual({ growth: -0.5, trend: 'down' });
    expect(trendOf(101, 100).trend).toBe('flat');
    expect(trendOf(10, 0)).toEqual({ growth: null, trend: 'new' });
    expect(trendOf(null, 5)).toEqual({ growth: null, trend: null });
  });
});
