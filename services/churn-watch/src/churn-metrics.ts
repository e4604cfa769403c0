import { Counter, Gauge, Registry } from 'prom-client';

/** churn-watch's Prometheus metrics, on their own registry. */
export function createChurnMetrics() {
  const registry = new Registry();
  return {
    registry,
    records: new Counter({ name: 'tierflow_churn_records_total', help: 'input records applied', labelNames: ['topic'], registers: [registry] }),
    events: new Counter({
      name: 'tierflow_churn_events_total',
      help: 'ChurnRisk events written to the outbox',
      labelNames: ['signal', 'status'],
      registers: [registry],
    }),
    timers: new Counter({ name: 'tierflow_churn_timers_fired_total', help: 'inactivity timers fired', registers: [registry] }),
    deadLetters: new Counter({ name: 'tierflow_churn_dead_letters_total', help: 'input records dead-lettered', registers: [registry] }),
    conflicts: new Counter({ name: 'tierflow_churn_version_conflicts_total', help: 'batches re-planned after a concurrent change', registers: [registry] }),
    skipped: new Counter({ name: 'tierflow_churn_batches_skipped_total', help: 'batches already applied (offset fence)', registers: [registry] }),
    flushed: new Counter({ name: 'tierflow_churn_outbox_flushed_total', help: 'outbox events sent to Kafka', registers: [registry] }),
    alignTimeouts: new Counter({
      name: 'tierflow_churn_align_timeouts_total',
      help: 'aggregates batches that went on before tier changes caught up',
      registers: [registry],
    }),
    watermark: new Gauge({ name: 'tierflow_churn_watermark_seconds', help: 'max watermark (event time, Unix seconds) seen on customer.aggregates', registers: [registry] }),
  };
}

export type ChurnMetrics = ReturnType<typeof createChurnMetrics>;
