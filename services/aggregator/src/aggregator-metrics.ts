import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The aggregator's Prometheus metrics. */
export function createAggregatorMetrics(registry: Registry) {
  return {
    sourceIn: new Counter({ name: 'tierflow_aggregator_source_records_total', help: 'Records read from the transactions topic by the repartition stage', registers: [registry] }),
    repartitioned: new Counter({ name: 'tierflow_aggregator_repartitioned_total', help: 'Transactions written to the by-customer topic (their shard)', registers: [registry] }),
    sourceCopies: new Counter({ name: 'tierflow_aggregator_source_copies_total', help: 'Records the repartition stage sent again after a crash or rebalance, skipped by source offset', registers: [registry] }),
    beyondHorizon: new Counter({
      name: 'tierflow_aggregator_beyond_dedupe_horizon_total',
      help: 'Transactions older than DEDUPE_HORIZON_DAYS behind their shard, not known: a resend of them would no longer be recognised (applied as late)',
      registers: [registry],
    }),
    sourceLag: new Gauge({ name: 'tierflow_aggregator_source_lag', help: 'Transactions-topic records behind its high watermark (repartition stage)', labelNames: ['partition'], registers: [registry] }),
    recordsIn: new Counter({ name: 'tierflow_aggregator_records_in_total', help: 'Transaction records consumed', registers: [registry] }),
    applied: new Counter({ name: 'tierflow_aggregator_applied_total', help: 'Transactions applied to Redis', registers: [registry] }),
    duplicates: new Counter({ name: 'tierflow_aggregator_duplicates_total', help: 'Resent transactions skipped (same id and content)', registers: [registry] }),
    fenced: new Counter({ name: 'tierflow_aggregator_fenced_total', help: 'Records at or below the applied offset, skipped', registers: [registry] }),
    late: new Counter({ name: 'tierflow_aggregator_late_total', help: 'Transactions later than the allowed lateness (lifetime totals only)', registers: [registry] }),
    deadLettered: new Counter({ name: 'tierflow_aggregator_dead_lettered_total', help: 'Records sent to the dead-letter topic', labelNames: ['code'], registers: [registry] }),
    aggregatesOut: new Counter({ name: 'tierflow_aggregator_aggregates_emitted_total', help: 'CustomerAggregate events produced', registers: [registry] }),
    batchSeconds: new Histogram({
      name: 'tierflow_aggregator_batch_seconds', help: 'Time to handle one batch (decode, apply, emit)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    lag: new Gauge({ name: 'tierflow_aggregator_consumer_lag', help: 'Records behind the high watermark', labelNames: ['partition'], registers: [registry] }),
  };
}

export type AggregatorMetrics = ReturnType<typeof createAggregatorMetrics>;
