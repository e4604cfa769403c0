import { describe, expect, it } from 'vitest';
import {
  BadInputError,
  ConfigurationError,
  FatalError,
  FencedError,
  TierflowError,
  TransientError,
} from '../../../shared/contracts/src/errors/tierflow-error';
import { dispositionOf, inputDispositionOf } from '../../../shared/runtime/src/errors/disposition';
import { DecodeError, EncodeError } from '../../../shared/runtime/src/codec/codec-errors';
import { ConfigError } from '../../../shared/runtime/src/config/config-env';
import { RequestError } from '../../../shared/contracts/src/scopes/request-validation';

describe('the error hierarchy', () => {
  it('gives every kind its retriable flag and keeps code, message and name', () => {
    const cases: Array<[TierflowError, boolean, string]> = [
      [new BadInputError('BAD_AGGREGATE', 'm'), false, 'BadInputError'],
      [new TransientError('REDIS_LOAD', 'm'), true, 'TransientError'],
      [new FencedError('FENCED', 'm'), false, 'FencedError'],
      [new FencedError('VERSION_CONFLICT', 'm', true), true, 'FencedError'],
      [new FatalError('BAD_SNAPSHOT', 'm'), false, 'FatalError'],
      [new ConfigurationError('CONFIG_INVALID', 'm'), false, 'ConfigurationError'],
    ];
    for (const [err, retriable, name] of cases) {
      expect(err).toBeInstanceOf(Error);
      expect(err.retriable).toBe(retriable);
      expect(err.message).toBe('m');
      expect(err.name).toBe(name);
    }
  });

  it('keeps the codec errors as they were', () => {
    const down = new DecodeError('REGISTRY_UNAVAILABLE', 'down');
    expect(down).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retriable: true, kind: 'transient', name: 'DecodeError' });
    expect(new DecodeError('BAD_REGISTRY_ANSWER', 'html', true).retriable).toBe(true);
    expect(new DecodeError('BAD_MAGIC_BYTE', 'x')).toMatchObject({ retriable: false, kind: 'bad-input' });
    expect(new EncodeError('OUT_OF_RANGE', 'x', 'watermark')).toMatchObject({ retriable: false, path: 'watermark', name: 'EncodeError' });
    const config = new ConfigError([{ variable: 'A', message: 'bad' }]);
    expect(config).toMatchObject({ code: 'CONFIG_INVALID', retriable: false, kind: 'config', message: 'invalid configuration:\n  A: bad' });
    expect(new RequestError(404, 'UNKNOWN_LIST', 'no')).toMatchObject({ statusCode: 404, code: 'UNKNOWN_LIST', retriable: false });
  });
});

describe('dispositionOf: retry, dead-letter or crash', () => {
  it('retries what says it is retriable, whatever its kind', () => {
    expect(dispositionOf(new TransientError('REDIS_LOAD', 'x'))).toBe('retry');
    expect(dispositionOf(new DecodeError('REGISTRY_UNAVAILABLE', 'x'))).toBe('retry');
    expect(dispositionOf(new FencedError('VERSION_CONFLICT', 'x', true))).toBe('retry');
    expect(dispositionOf(Object.assign(new Error('x'), { retriable: true }))).toBe('retry');
  });

  it('dead-letters bad input only', () => {
    expect(dispositionOf(new DecodeError('BAD_PAYLOAD', 'x'))).toBe('dead-letter');
    expect(dispositionOf(new EncodeError('SCHEMA_MISMATCH', 'x'))).toBe('dead-letter');
    expect(dispositionOf(new BadInputError('BAD_CUSTOMER_ID', 'x'))).toBe('dead-letter');
    // a foreign error that merely says it is not retriable is not bad input
    expect(dispositionOf(Object.assign(new Error('x'), { code: 'BAD_PAYLOAD', retriable: false }))).toBe('crash');
  });

  it('crashes on what cannot be retried, as kafkajs does when it is thrown', () => {
    expect(dispositionOf(new FatalError('BAD_SNAPSHOT', 'x'))).toBe('crash');
    expect(dispositionOf(new FencedError('FENCED', 'x'))).toBe('crash');
    expect(dispositionOf(new ConfigError([]))).toBe('crash');
    expect(dispositionOf(new TypeError('x'))).toBe('crash');
    expect(dispositionOf(new RangeError('x'))).toBe('crash');
  });

  it('retries an error that says nothing, as kafkajs does', () => {
    expect(dispositionOf(new Error('x'))).toBe('retry');
    expect(dispositionOf('a string')).toBe('retry');
    expect(dispositionOf(undefined)).toBe('retry');
  });
});

describe('inputDispositionOf: an error reading one input record', () => {
  it('retries what is retriable and dead-letters everything else', () => {
    expect(inputDispositionOf(new DecodeError('REGISTRY_UNAVAILABLE', 'x'))).toBe('retry');
    expect(inputDispositionOf(new DecodeError('BAD_PAYLOAD', 'x'))).toBe('dead-letter');
    expect(inputDispositionOf(new TypeError('x'))).toBe('dead-letter');
    expect(inputDispositionOf(new Error('x'))).toBe('dead-letter');
  });
});
