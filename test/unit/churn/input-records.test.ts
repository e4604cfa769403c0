import { describe, expect, it } from 'vitest';
import { aggregateRecord, causeOf, InputError, tierChangeRecord } from '../../../services/churn-watch/src/input-records';

const tierChange = {
  eventId: 'global|K|K:3',
  customerId: 'K',
  scope: 'global',
  fromTier: 'B',
  toTier: 'A',
  causeCustomerId: 'K',
  causeEventId: 'K:3',
};

describe('input records', () => {
  it('reads a global tier change with its cause; other scopes are not a customer tier', () => {
    expect(tierChangeRecord(tierChange)).toEqual({
      kind: 'tier',
      customerId: 'K',
      eventId: 'global|K|K:3',
      fromTier: 'B',
      toTier: 'A',
      cause: { customerId: 'K', seq: 3 },
      causeOffset: null, // a ranker of an earlier version
    });
    expect(tierChangeRecord({ ...tierChange, causeOffset: 41 })).toMatchObject({ causeOffset: 41 });
    expect(() => tierChangeRecord({ ...tierChange, causeOffset: -1 })).toThrow(/causeOffset/);
    expect(tierChangeRecord({ ...tierChange, scope: 'region:north' })).toBeNull();
  });

  it('parses causes whose customerId holds a colon; an unparseable cause is none', () => {
    expect(causeOf({ causeCustomerId: 'acme:eu', causeEventId: 'acme:eu:12' })).toEqual({ customerId: 'acme:eu', seq: 12 });
    expect(causeOf({ causeCustomerId: 'K', causeEventId: 'other:12' })).toBeNull();
    expect(causeOf({ causeCustomerId: 'K', causeEventId: 'K:x' })).toBeNull();
    expect(causeOf({})).toBeNull();
  });

  it('rejects bad records with a code (they are dead-lettered)', () => {
    expect(() => tierChangeRecord({ ...tierChange, toTier: 'Z' })).toThrow(InputError);
    try {
      aggregateRecord({ customerId: 'K', eventId: 'K:1', seq: 1 });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'BAD_AGGREGATE', retriable: false });
    }
  });
});
