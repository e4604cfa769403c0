import { Counter, Gauge, type Registry } from 'prom-client';
import type { BreakerState } from './circuit-breaker';
import type { DeliveryQueue } from './delivery-queue';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 0.5, open: 1 };

/** The delivery side's metrics: queue depth against its capacity, full, in flight, the breaker. */
export function createWebhookMetrics(params: { registry: Registry; queue: DeliveryQueue; capacity: number }) {
  const { registry } = params;
  new Gauge({
    name: 'tierflow_alerter_queue_depth',
    help: 'alerts queued for delivery (in flight included)',
    registers: [registry],
    async collect() {
      this.set(await params.queue.length());
    },
  });
  new Gauge({ name: 'tierflow_alerter_queue_capacity', help: 'the most alerts the queue holds before input pauses', registers: [registry] }).set(params.capacity);
  const full = new Gauge({ name: 'tierflow_alerter_queue_full', help: '1 while the queue is full and input is paused', registers: [registry] });
  full.set(0);
  const fullEvents = new Counter({ name: 'tierflow_alerter_queue_full_total', help: 'times the queue became full', registers: [registry] });
  const inFlight = new Gauge({ name: 'tierflow_alerter_webhook_in_flight', help: 'webhook deliveries in flight', registers: [registry] });
  const breaker = new Gauge({
    name: 'tierflow_alerter_webhook_circuit_state',
    help: 'the destination circuit breaker: 0 closed, 0.5 half-open, 1 open',
    labelNames: ['destination'],
    registers: [registry],
  });
  return {
    onFull: (value: boolean) => {
      full.set(value ? 1 : 0);
      if (value) fullEvents.inc();
    },
    onInFlight: (n: number) => inFlight.set(n),
    onBreaker: (destination: string, state: BreakerState) => breaker.set({ destination }, BREAKER_VALUE[state]),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
