import { parentPort, workerData } from 'node:worker_threads';
import avro from 'avsc';
import { Registry } from 'prom-client';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { processHealth, processRegistry } from '@tierflow/runtime/service/process-health';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { valueSubject } from '@tierflow/contracts/topics';
import { aggregatorConfig } from '../aggregator-config';
import { createAggregatorMetrics } from '../aggregator-metrics';
import { startApplyStage } from './apply-stage';
import type { ApplyWorkerData, FromApplyWorker, ToApplyWorker } from './apply-messages';

/**
 * One apply stage in its own thread (apply-threads.ts starts APPLY_THREADS of them): the same
 * stage as in the main thread, with its own Kafka client, producer, codec, Redis client and
 * partition caches, built from the same environment. Its metrics and readiness go to the main
 * thread when it scrapes (/metrics, /readyz); a stop for good ends the process (status 70).
 */
const port = parentPort;
if (!port) throw new Error('apply-worker.ts runs as a worker thread (see apply-threads.ts)');
const data = workerData as ApplyWorkerData;
const post = (m: FromApplyWorker) => port.postMessage(m);
const config = aggregatorConfig();
const { connection } = config;
const logger = createLogger({ name: 'aggregator', level: connection.logLevel }).child({ thread: data.thread });
const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: `tierflow-aggregator-${data.thread}`, logger });
const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry, logger });
const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: `aggregator-${data.thread}` });
const transactionSchema = await readSchemaFile('TransactionEvent.avsc');
// registered (idempotent) as the main thread did: this thread's codec then knows their ids and
// schemas (the aggregates' to encode with, without asking the registry)
await codec.register(valueSubject(config.topics.transactions), transactionSchema);
const aggregateSchemaId = await codec.registerFile(valueSubject(config.topics.aggregates), 'CustomerAggregate.avsc');
const registry = new Registry();
processHealth.configure();
// batches wait until every thread has joined the group (the main thread says go: start-gate.ts)
let go: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (go = resolve));
port.on('message', (m: ToApplyWorker) => {
  if (m.type === 'go') go();
});
const stage = await startApplyStage({
  config, kafka, redis, codec, logger, readerType: avro.Type.forSchema(JSON.parse(transactionSchema)),
  aggregateSchemaId, metrics: createAggregatorMetrics(registry), gate,
});

/** The thread's series; the shared components' ones (consumers, outboxes) get its name as a label. */
async function scrape(): Promise<Extract<FromApplyWorker, { type: 'scraped' }>['metrics']> {
  const own = await registry.getMetricsAsJSON();
  const shared = await processRegistry.getMetricsAsJSON();
  for (const m of shared) for (const v of m.values) v.labels = { ...v.labels, thread: data.thread };
  return [...own, ...shared];
}

port.on('message', (m: ToApplyWorker) => {
  if (m.type === 'go') return;
  if (m.type === 'scrape') {
    void scrape().then((metrics) => post({ type: 'scraped', id: m.id, metrics, problems: processHealth.problems().map((p) => `${data.thread}: ${p}`) }));
    return;
  }
  stage
    .stop()
    .then(() => redis.quit())
    .then(
      () => post({ type: 'stopped' }),
      (err: Error) => post({ type: 'stopped', error: err.message }),
    );
});
post({ type: 'started' });
