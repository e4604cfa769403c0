import type { Logger } from './logger';

/**
 * Stops a service cleanly on SIGTERM or SIGINT, once: runs `stop` (its failure is logged, not
 * thrown), then exits 0. For the services' entry points.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await stop().catch((err: Error) => logger.error({ err: err.message }, 'stop failed'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
