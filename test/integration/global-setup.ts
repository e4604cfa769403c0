import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { stackStatus, stackUp } from '../../tools/cli/src/stack/local-stack';
import { stackLayout } from '../../tools/cli/src/stack/stack-layout';

/**
 * Integration tests need the real servers. On the embedded local stack (no server addresses
 * configured) a stack that is not up is started first, so `npm test` works on a fresh clone;
 * it is left running (`npm run stack:down` stops it). Then each server must answer, or the run
 * fails with one clear message.
 */
export default async function setup(): Promise<void> {
  const config = connectionConfig();
  if (config.usesLocalStack) {
    const layout = stackLayout();
    if (!(await stackStatus(layout)).every((s) => s.ready)) {
      await stackUp(layout, (msg) => process.stderr.write(`[stack] ${msg}\n`));
    }
  }
  const problems: string[] = [];
  const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    problems.push(`Kafka at ${config.kafkaBrokers.join(',')}: ${(err as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  try {
    const res = await fetch(`${config.registryUrl}/subjects`);
    if (res.status !== 200) problems.push(`schema registry at ${config.registryUrl}: HTTP ${res.status}`);
  } catch (err) {
    problems.push(`schema registry at ${config.registryUrl}: ${(err as Error).message}`);
  }
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    problems.push(`Redis at ${config.redisUrl.replace(/\/\/[^@/]*@/, "//")}: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
  if (problems.length > 0) {
    throw new Error(`integration tests need the real stack (npm run stack:up):\n  ${problems.join('\n  ')}`);
  }
}
