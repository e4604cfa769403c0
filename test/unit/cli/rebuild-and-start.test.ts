import { describe, expect, it } from 'vitest';
import { isReadOnlyGroup, keptOnRebuild } from '../../../tools/cli/src/rebuild/pipeline-reset';
import { availableServices, PIPELINE_SERVICES, serviceEnv } from '../../../tools/cli/src/start/service-runner';

describe('rebuild rules', () => {
  it('keeps profiles and the alerter de-dup marks, wipes everything else under the prefix', () => {
    expect(keptOnRebuild('tf:', 'tf:profile:C1')).toBe(true);
    expect(keptOnRebuild('tf:', 'tf:{al}:seen:abc|churn-risk')).toBe(true);
    expect(keptOnRebuild('tf:', 'tf:{p3}:c:C1')).toBe(false);
    expect(keptOnRebuild('tf:', 'tf:{rk}:offsets')).toBe(false);
    expect(keptOnRebuild('tf:', 'tf:{al}:offsets')).toBe(false);
  });

  it('leaves the read-only groups (dashboards, reviews) alone', () => {
    expect(isReadOnlyGroup('tierflow-dashboard-1b2c')).toBe(true);
    expect(isReadOnlyGroup('tierflow-review-1b2c')).toBe(true);
    expect(isReadOnlyGroup('tierflow-aggregator')).toBe(false);
  });
});

describe('start', () => {
  it('gives each service its own group when TIERFLOW_INSTANCE is set, and the default otherwise', () => {
    expect(serviceEnv('ranker', { TIERFLOW_INSTANCE: 'x1', A: 'b' })).toEqual({ TIERFLOW_INSTANCE: 'x1', A: 'b', KAFKA_GROUP_ID: 'tierflow-ranker-x1' });
    expect(serviceEnv('ranker', { A: 'b' })).toEqual({ A: 'b' });
  });

  it('knows which service entry points exist', () => {
    const found = availableServices('/nonexistent');
    expect(found.map((s) => s.name)).toEqual([...PIPELINE_SERVICES]);
    expect(found.every((s) => !s.exists && s.entry.endsWith('/src/main.ts'))).toBe(true);
  });
});
