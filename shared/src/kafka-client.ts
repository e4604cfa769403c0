import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from './logger';

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

/** A kafkajs client. kafkajs logs only warnings and errors unless the logger is at debug. */
export function createKafka(params: {
  brokers: string[];
  clientId: string;
  logger: Logger;
  connectionTimeoutMs?: number;
}): Kafka {
  return new Kafka({
    clientId: params.clientId,
    brokers: params.brokers,
    connectionTimeout: params.connectionTimeoutMs ?? 5_000,
    logLevel: params.logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.WARN,
    logCreator: pinoLogCreator(params.logger.child({ component: 'kafkajs' })),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
}
