import { parentPort } from 'node:worker_threads';
import avro from 'avsc';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { valueSubject } from '@tierflow/contracts/topics';
import { aggregatorConfig } from '../aggregator-config';
import { startRepartitionStage } from './repartition-stage';
import type { FromWorker, ToWorker } from './worker-messages';

/**
 * The repartition stage in its own thread (repartition-thread.ts starts it): the same stage,
 * with its own Kafka client and codec, built from the same environment as the aggregator. Its
 * metrics and its consumer's state go to the main thread as messages (worker-messages.ts).
 */
const port = parentPort;
if (!port) throw new Error('repartition-worker.ts runs as a worker thread (see repartition-thread.ts)');
const post = (m: FromWorker) => port.postMessage(m);
const config = aggregatorConfig();
const logger = createLogger({ name: 'aggregator' }).child({ thread: 'repartition' });
const { connection } = config;
const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-aggregator-repartition', logger });
const codec = new SchemaCodec({ registryUrl: connection.registryUrl, registry: connection.registry, logger });
const transactionSchema = await readSchemaFile('TransactionEvent.avsc');
// registered (idempotent) as the main thread does: this thread's codec then knows the schema's
// id without asking the registry for it
await codec.register(valueSubject(config.topics.transactions), transactionSchema);
const readerType = avro.Type.forSchema(JSON.parse(transactionSchema));

const stage = await startRepartitionStage({
  kafka, codec, readerType, groupId: `${config.groupId}-repartition`, source: config.topics.transactions,
  target: config.topics.transactionsByCustomer, dlqTopic: config.topics.transactionsDlq, rules: config.rules,
  partitionsConcurrently: config.partitionsConcurrently, metadataMaxAgeMs: config.sourceMetadataMaxAgeMs, logger,
  metrics: {
    sourceIn: { inc: (n) => post({ type: 'count', metric: 'sourceIn', n }) },
    repartitioned: { inc: (n) => post({ type: 'count', metric: 'repartitioned', n }) },
    deadLettered: { inc: ({ code }) => post({ type: 'deadLettered', code }) },
    sourceLag: { set: ({ partition }, value) => post({ type: 'lag', partition, value }) },
  },
  onConsumerState: (state, assignment) => post({ type: 'consumer', state, ...(assignment ? { assignment } : {}) }),
  onFatal: (err) => post({ type: 'fatal', message: err.message }),
});
port.on('message', (m: ToWorker) => {
  if (m.type !== 'stop') return;
  stage.stop().then(
    () => post({ type: 'stopped' }),
    (err: Error) => post({ type: 'stopped', error: err.message }),
  );
});
post({ type: 'started' });
