import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** A pino JSON logger named after its service. Pass a destination to capture lines in tests. */
export function createLogger(params: {
  name: string;
  level?: string;
  destination?: DestinationStream;
}): Logger {
  const options = { name: params.name, level: params.level ?? 'info', base: { service: params.name } };
  return params.destination ? pino(options, params.destination) : pino(options);
}
