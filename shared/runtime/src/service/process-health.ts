import type { Consumer } from 'kafkajs';
import { Gauge, Registry } from 'prom-client';
import { envInt, parseEnv } from '../config/config-env';
import { OutboxAge } from '../exactly-once/outbox-age';
import { ConsumerProgress } from './consumer-progress';

/** Metrics of shared components (consumers, outboxes, validation), served by every service's /metrics. */
export const processRegistry = new Registry();

export type ConsumerState = 'up' | 'restarting' | 'stopped';
export type OutboxSample = () => Promise<{ depth: number; oldest: string[] }>;

/**
 * What /readyz needs to know besides the service's own check, for every service in one place:
 * each Kafka consumer's state (kafkajs CRASH -> restarting or stopped, until the next GROUP_JOIN
 * or finished batch) and each outbox's depth and oldest entry's age (sampled every
 * OUTBOX_SAMPLE_MS). Not ready while a consumer is not up, while one that is behind finished no
 * batch for READY_MAX_STALL_SECONDS (ConsumerProgress), or while an outbox's oldest entry is
 * older than READY_MAX_OUTBOX_AGE_SECONDS.
 */
class ProcessHealth {
  private readonly consumers = new Map<string, ConsumerState>();
  /** each consumer's lag after its last batches and when it last finished one */
  private readonly progress = new Map<string, ConsumerProgress>();
  private readonly outboxes = new Map<string, { sample: OutboxSample; age: OutboxAge; failing: boolean }>();
  private timer: NodeJS.Timeout | null = null;
  private maxOutboxAgeSeconds = 120;
  private maxStallSeconds = 120;
  private sampleMs = 2_000;

  constructor() {
    new Gauge({
      name: 'tierflow_consumer_up',
      help: '1 while the Kafka consumer runs, 0 while it is crashed or restarting',
      labelNames: ['consumer'],
      registers: [processRegistry],
      collect: function (this: Gauge) {
        for (const [name, state] of health.consumers) this.set({ consumer: name }, state === 'up' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'tierflow_consumer_lag_records',
      help: 'records between the last batch a consumer processed and the partition end (kafkajs offsetLag), per topic partition',
      labelNames: ['consumer', 'topic', 'partition'],
      registers: [processRegistry],
      collect: function (this: Gauge) {
        for (const [consumer, progress] of health.progress) {
          for (const [tp, lag] of progress.lags) {
            const at = tp.lastIndexOf(':');
            this.set({ consumer, topic: tp.slice(0, at), partition: tp.slice(at + 1) }, lag);
          }
        }
      },
    });
    new Gauge({
      name: 'tierflow_outbox_depth',
      help: 'entries waiting in the outbox (events committed, not yet acknowledged by Kafka; the alerter: alerts to deliver)',
      labelNames: ['outbox'],
      registers: [processRegistry],
      collect: function (this: Gauge) {
        for (const [name, o] of health.outboxes) this.set({ outbox: name }, o.age.depth);
      },
    });
    new Gauge({
      name: 'tierflow_outbox_oldest_age_seconds',
      help: 'how long the oldest outbox entry has waited (since this process first saw it)',
      labelNames: ['outbox'],
      registers: [processRegistry],
      collect: function (this: Gauge) {
        for (const [name, o] of health.outboxes) this.set({ outbox: name }, o.age.oldestAgeSeconds);
      },
    });
  }

  /** Reads READY_MAX_OUTBOX_AGE_SECONDS, READY_MAX_STALL_SECONDS and OUTBOX_SAMPLE_MS (called by startServiceHttp). */
  configure(env: NodeJS.ProcessEnv = process.env): void {
    const c = parseEnv({ READY_MAX_OUTBOX_AGE_SECONDS: envInt(120, 1), READY_MAX_STALL_SECONDS: envInt(120, 1), OUTBOX_SAMPLE_MS: envInt(2_000, 50, 600_000) }, env);
    this.maxOutboxAgeSeconds = c.READY_MAX_OUTBOX_AGE_SECONDS;
    this.maxStallSeconds = c.READY_MAX_STALL_SECONDS;
    this.sampleMs = c.OUTBOX_SAMPLE_MS;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.startSampling();
    }
  }

  /** Follows a kafkajs consumer's state from its events. */
  watchConsumer(name: string, consumer: Consumer): void {
    this.consumers.set(name, 'up'); // called once it joined (startPartitionConsumer, consumer.run)
    const progress = new ConsumerProgress(Date.now());
    this.progress.set(name, progress);
    const up = () => this.consumers.set(name, 'up');
    consumer.on(consumer.events.GROUP_JOIN, () => {
      up();
      progress.assigned(Date.now());
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      up();
      progress.batchDone(`${e.payload.topic}:${e.payload.partition}`, Number(e.payload.offsetLag), Date.now());
    });
    consumer.on(consumer.events.CRASH, (e) => this.consumers.set(name, e.payload.restart ? 'restarting' : 'stopped'));
    consumer.on(consumer.events.STOP, () => this.consumers.set(name, 'stopped'));
  }

  /** A consumer's state as another thread saw it (the aggregator's repartition thread). */
  reportConsumer(name: string, state: ConsumerState): void {
    this.consumers.set(name, state);
  }

  /** Samples an outbox's depth and oldest entries periodically. */
  watchOutbox(name: string, sample: OutboxSample): void {
    this.outboxes.set(name, { sample, age: new OutboxAge(), failing: false });
    this.startSampling();
  }

  /** Why the process is not ready (empty when it is). */
  problems(): string[] {
    const out: string[] = [];
    for (const [name, state] of this.consumers) if (state !== 'up') out.push(`consumer ${name} is ${state}`);
    for (const [name, progress] of this.progress) {
      const stalled = progress.stalledFor(Date.now(), this.maxStallSeconds);
      if (stalled !== null && this.consumers.get(name) === 'up') {
        out.push(`consumer ${name}: ${progress.behind} records behind and no batch finished for ${Math.round(stalled)} s (max ${this.maxStallSeconds})`);
      }
    }
    for (const [name, o] of this.outboxes) {
      if (o.age.oldestAgeSeconds > this.maxOutboxAgeSeconds) {
        out.push(`outbox ${name}: oldest entry waiting ${Math.round(o.age.oldestAgeSeconds)} s (max ${this.maxOutboxAgeSeconds})`);
      }
    }
    return out;
  }

  ready(): boolean {
    return this.problems().length === 0;
  }

  /** Samples every outbox now (also run by the timer). */
  async sampleOutboxes(): Promise<void> {
    for (const o of this.outboxes.values()) {
      try {
        o.age.observe(await o.sample(), Date.now());
        o.failing = false;
      } catch {
        o.failing = true; // Redis away: the last figures stay
      }
    }
  }

  private startSampling(): void {
    if (this.timer) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.sampleOutboxes().finally(() => {
        busy = false;
      });
    }, this.sampleMs);
    this.timer.unref();
  }
}

const health = new ProcessHealth();
/** The process's one health record (a process is one service). */
export const processHealth = health;
