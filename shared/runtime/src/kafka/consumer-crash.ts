import type { Consumer } from 'kafkajs';
import type { Logger } from '../service/logger';

/**
 * Logs every kafkajs CRASH; when kafkajs will not restart the consumer, calls `onFatal`, by
 * default exiting with status 70, so that whatever supervises the service starts it again
 * (from Redis's or Kafka's position) instead of it idling forever.
 */
export function exitOnFatalCrash(consumer: Consumer, log: Logger, onFatal?: (err: Error) => void): void {
  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload;
    log.error({ err: error?.message, restart }, 'consumer crashed');
    if (restart) return;
    (onFatal ?? exitForRestart(log))(error ?? new Error('consumer crashed'));
  });
}

/** The default for a consumer stopped for good: log, then exit with status 70 for the supervisor. */
export const exitForRestart = (log: Logger) => (err: Error): void => {
  log.fatal({ err: err.message }, 'consumer stopped for good: exiting so the service is restarted');
  process.exit(70);
};
