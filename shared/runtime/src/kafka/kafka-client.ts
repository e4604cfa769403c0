import { CompressionTypes, Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import { compressionFromEnv, compressionType, registerCompressionCodecs, type CompressionName } from './compression-codecs';
import type { KafkaSecurity } from './kafka-security';
import type { Logger } from '../service/logger';

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Routes kafkajs's own log lines into pino, as JSON with the kafkajs namespace. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      logger[levelNames[level] ?? 'info']({ kafkajs: namespace, ...extra }, message);
    };
}

/**
 * A kafkajs client. kafkajs logs only warnings and errors unless the logger is at debug. Every
 * codec Kafka has is registered first, so its consumers read lz4, snappy and zstd batches too.
 */
export function createKafka(params: {
  brokers: string[];
  clientId: string;
  logger: Logger;
  connectionTimeoutMs?: number;
  /** the codec of every batch its producers send, unless a send names one (default KAFKA_COMPRESSION) */
  compression?: CompressionName;
  /** TLS and SASL (connectionConfig().kafkaSecurity); none means plaintext */
  security?: KafkaSecurity;
}): Kafka {
  registerCompressionCodecs();
  const kafka = new Kafka({
    clientId: params.clientId,
    brokers: params.brokers,
    // copies: kafkajs adds functions to the sasl object it is given, and the caller's must stay
    // plain data (the ranker hands it to a worker thread)
    ...(params.security?.ssl ? { ssl: typeof params.security.ssl === 'object' ? { ...params.security.ssl } : true } : {}),
    ...(params.security?.sasl ? { sasl: { ...params.security.sasl } } : {}),
    connectionTimeout: params.connectionTimeoutMs ?? 5_000,
    logLevel: params.logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.WARN,
    logCreator: pinoLogCreator(params.logger.child({ component: 'kafkajs' })),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
  return withDefaultCompression(kafka, compressionType(params.compression ?? compressionFromEnv()));
}

/**
 * kafkajs takes the codec per send, not per producer: this gives every producer the client's
 * codec for sends (and batch sends) that do not name one themselves.
 */
function withDefaultCompression(kafka: Kafka, compression: CompressionTypes): Kafka {
  if (compression === CompressionTypes.None) return kafka;
  const make = kafka.producer.bind(kafka);
  kafka.producer = (config) => {
    const producer = make(config);
    const send = producer.send.bind(producer);
    const sendBatch = producer.sendBatch.bind(producer);
    producer.send = (record) => send({ compression, ...record });
    producer.sendBatch = (batch) => sendBatch({ compression, ...batch });
    return producer;
  };
  return kafka;
}
