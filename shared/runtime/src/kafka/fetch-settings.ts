import { envInt, parseEnv } from '../config/config-env';

/**
 * How long a fetch of the project's consumers may wait for records to gather (Kafka's
 * fetch.min.bytes and fetch.max.wait.ms). With kafkajs's minimum of one byte a consumer under a
 * steady live load fetches again as soon as its last batch is handled, so each fetch brings a
 * few records and every record pays for a fetch, a produce request and a Redis script of its
 * own: at 5,000 transactions/s that was most of the machine. Waiting for 16 KiB or 25 ms,
 * whichever comes first, lets each hop handle a few hundred records at once for at most 25 ms
 * more latency per hop (docs/benchmarks.md, issue 16 session 15). On a backlog fetches are full
 * at once, so neither applies.
 */
export const fetchShape = {
  /** the least bytes a fetch waits for (fetch.min.bytes) before KAFKA_FETCH_MAX_WAIT_MS is up */
  KAFKA_FETCH_MIN_BYTES: envInt(16 * 1024, 1, 50 * 1024 * 1024),
  /** the longest a fetch waits for KAFKA_FETCH_MIN_BYTES (fetch.max.wait.ms) */
  KAFKA_FETCH_MAX_WAIT_MS: envInt(25, 1, 30_000),
};

export interface FetchSettings {
  minBytes: number;
  maxWaitTimeInMs: number;
}

/** KAFKA_FETCH_MIN_BYTES and KAFKA_FETCH_MAX_WAIT_MS of this environment (a bad value is named). */
export function fetchSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): FetchSettings {
  const c = parseEnv(fetchShape, env);
  return { minBytes: c.KAFKA_FETCH_MIN_BYTES, maxWaitTimeInMs: c.KAFKA_FETCH_MAX_WAIT_MS };
}
