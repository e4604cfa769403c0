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
    const fatal = onFatal ?? ((err: Error) => {
      log.fatal({ err: err.message }, 'consumer stopped for good: exiting so the service is restarted');
      process.exit(70);
    });
    fatal(error ?? new Error('consumer crashed'));
  });
}
