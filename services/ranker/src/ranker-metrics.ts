import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The ranker's Prometheus metrics. */
export function createRankerMetrics(registry: Registry) {
  return {
    applied: new Counter({ name: 'tierflow_ranker_aggregates_applied_total', help: 'CustomerAggregates applied', registers: [registry] }),
    stale: new Counter({
      name: 'tierflow_ranker_aggregates_stale_total',
      help: 'CustomerAggregates ignored because their seq was not above the last one seen',
      registers: [registry],
    }),
    coalesced: new Counter({
      name: 'tierflow_ranker_aggregates_coalesced_total',
      help: 'CustomerAggregates not applied because a later record of the same customer was in the same chunk (net-updates.ts)',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'tierflow_ranker_aggregates_rejected_total',
      help: 'records that could not be decoded (sent to the ranker dead-letter topic)',
      registers: [registry],
    }),
    tierChanges: new Counter({
      name: 'tierflow_ranker_tier_changes_total',
      help: 'tier changes written to the outbox',
      labelNames: ['scope_kind', 'direction'],
      registers: [registry],
    }),
    sent: new Counter({ name: 'tierflow_ranker_outbox_sent_total', help: 'tier changes sent to Kafka', registers: [registry] }),
    rebuilds: new Counter({ name: 'tierflow_ranker_rebuilds_total', help: 'rebuilds of the index from Redis', registers: [registry] }),
    rebuildSeconds: new Gauge({ name: 'tierflow_ranker_rebuild_seconds', help: 'duration of the last rebuild', registers: [registry] }),
    population: new Gauge({ name: 'tierflow_ranker_population', help: 'customers ranked globally', registers: [registry] }),
    batchSeconds: new Histogram({
      name: 'tierflow_ranker_batch_seconds',
      help: 'time to apply and commit one batch',
      buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type RankerMetrics = ReturnType<typeof createRankerMetrics>;
