import { Counter, Registry } from 'prom-client';

/** The alerter's Prometheus metrics, on their own registry. */
export function createAlerterMetrics() {
  const registry = new Registry();
  return {
    registry,
    records: new Counter({ name: 'tierflow_alerter_records_total', help: 'input records applied', labelNames: ['topic'], registers: [registry] }),
    queued: new Counter({ name: 'tierflow_alerter_alerts_queued_total', help: 'alerts queued (new alertIds)', labelNames: ['kind'], registers: [registry] }),
    outcomes: new Counter({
      name: 'tierflow_alerter_deliveries_total',
      help: 'delivery outcomes: delivered, dead (dead-lettered), retry',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    deadInputs: new Counter({ name: 'tierflow_alerter_dead_inputs_total', help: 'input records dead-lettered', registers: [registry] }),
  };
}

export type AlerterMetrics = ReturnType<typeof createAlerterMetrics>;
