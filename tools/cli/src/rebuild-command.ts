import path from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { parseEnv } from '@tierflow/runtime/config/config-env';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createKafka } from '@tierflow/runtime/kafka/kafka-client';
import { createLogger } from '@tierflow/runtime/service/logger';
import { createRedis } from '@tierflow/runtime/redis/redis-client';
import { topicsFromEnv } from '@tierflow/runtime/config/topic-settings';
import { pipelineSettings } from '@tierflow/runtime/config/pipeline-settings';
import { flagBool, parseArgs } from './cli-args';
import { activeGroups, deleteGroups, pipelineGroups, recreateDerivedTopics, wipePrefix } from './rebuild/pipeline-reset';
import { aggregatorProgress, rankerProgress, type Progress } from './rebuild/rebuild-progress';
import { partitionShape } from './simulate-command';
import { repoRoot, stackLayout } from './stack/stack-layout';
import { availableServices, serviceEnv, startService, stopServices, type RunningService } from './start/service-runner';
import { UsageError } from './usage-error';

export const rebuildUsage = 'rebuild --yes';

const say = (msg: string) => process.stdout.write(`${msg}\n`);
/** The services that derive state; the alerter is left out so people are not alerted again. */
const REBUILD_SERVICES = ['aggregator', 'ranker', 'churn-watch'];

/**
 * `tierflow rebuild --yes`: resets the derived state and reprocesses billing.transactions from
 * its earliest offset. With every pipeline service stopped it wipes the Redis keys under the
 * prefix (keeping profiles and the alerter's de-dup marks), recreates the derived topics, deletes the
 * pipeline's consumer groups, then runs aggregator, ranker and churn-watch until they have caught
 * up, with a progress bar, and stops them.
 */
export async function rebuildCommand(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs({ command: 'rebuild', args, flags: { yes: { kind: 'bool' } } });
  if (positionals.length > 0) throw new UsageError(`rebuild: unexpected argument ${positionals[0]}`);
  const connection = connectionConfig();
  const { keyPrefix: prefix } = pipelineSettings();
  const { TRANSACTIONS_PARTITIONS } = parseEnv(partitionShape);
  const topics = topicsFromEnv();
  if (!flagBool(flags, 'yes')) {
    throw new UsageError(
      `rebuild: this deletes the Redis keys under ${prefix} and recreates ${topics.aggregates}, ${topics.tierChanges}, ` +
        `${topics.churnRisk} and ${topics.transactionsDlq}; pass --yes to do it`,
    );
  }
  const logger = createLogger({ name: 'rebuild', level: 'warn' });
  const kafka = createKafka({ brokers: connection.kafkaBrokers, security: connection.kafkaSecurity, clientId: 'tierflow-rebuild', logger });
  const redis = createRedis({ url: connection.redisUrl, tls: connection.redisTls, logger, name: 'tierflow-rebuild' });
  const admin = kafka.admin();
  await admin.connect();
  const services: RunningService[] = [];
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  try {
    const groups = await pipelineGroups(admin, topics);
    const busy = await activeGroups(admin, groups);
    if (busy.length > 0) {
      say(`rebuild: stop the pipeline services first; still consuming: ${busy.map((b) => `${b.groupId} (${b.members})`).join(', ')}`);
      return 1;
    }
    const deleted = await wipePrefix(redis, prefix);
    say(`deleted ${deleted} Redis keys under ${prefix}`);
    const recreated = await recreateDerivedTopics(admin, topics, TRANSACTIONS_PARTITIONS);
    say(`recreated ${recreated.length > 0 ? recreated.join(', ') : 'the derived topics'}`);
    if (groups.length > 0) {
      await deleteGroups(admin, groups);
      say(`deleted consumer groups ${groups.join(', ')}: the services start again from the earliest offsets`);
    }
    const env = { ...process.env, TIME_MODE: process.env.TIME_MODE ?? 'replay', KAFKA_BROKERS: connection.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: connection.registryUrl, REDIS_URL: connection.redisUrl };
    const logDir = process.env.SERVICE_LOG_DIR ?? path.join(stackLayout().logDir, 'services');
    for (const s of availableServices(repoRoot, REBUILD_SERVICES)) {
      if (!s.exists) {
        say(`${s.name}: ${path.relative(repoRoot, s.entry)} does not exist, skipped`);
        continue;
      }
      services.push(startService({ name: s.name, entry: s.entry, repoRoot, logDir, env: serviceEnv(s.name, env) }));
    }
    say(`reprocessing with ${services.map((s) => s.name).join(', ')} (logs in ${path.relative(process.cwd(), logDir)})`);
    const bars = new MultiBar({ hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    // the records of both the aggregator's inputs (billing.transactions, and what went through the by-customer topic)
    const aggBar = bars.create(1, 0, {}, { format: `aggregator |{bar}| {value}/{total} ${topics.transactions} records applied` });
    const repartitionGroup = `${serviceEnv('aggregator', env).KAFKA_GROUP_ID ?? 'tierflow-aggregator'}-repartition`;
    const rankBar = bars.create(1, 0, {}, { format: `ranker     |{bar}| {value}/{total} ${topics.aggregates} records ranked` });
    const update = (bar: typeof aggBar, p: Progress) => {
      bar.setTotal(Math.max(1, p.total));
      bar.update(Math.min(p.done, p.total));
    };
    let stableSince = 0;
    let lastTotals = '';
    try {
      while (!abort.signal.aborted) {
        const dead = services.find((s) => s.child.exitCode !== null);
        if (dead) throw new Error(`${dead.name} exited during the rebuild; see ${dead.logFile}`);
        const agg = await aggregatorProgress({ admin, redis, prefix, transactions: topics.transactions, byCustomer: topics.transactionsByCustomer, repartitionGroup });
        const rank = await rankerProgress({ admin, redis, prefix, topic: topics.aggregates });
        update(aggBar, agg);
        update(rankBar, rank);
        const caughtUp = agg.done >= agg.total && rank.done >= rank.total && rank.total > 0;
        const totals = `${agg.total}/${rank.total}`;
        // caught up and the aggregates topic stopped growing for 3 s: done
        if (caughtUp && totals === lastTotals) {
          if (stableSince === 0) stableSince = Date.now();
          if (Date.now() - stableSince > 3_000) break;
        } else stableSince = 0;
        lastTotals = totals;
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      bars.stop();
    }
    if (abort.signal.aborted) {
      say('rebuild interrupted: run it again to start over');
      return 130;
    }
    say('rebuild done: state rebuilt from the earliest offsets');
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    await stopServices(services);
    await admin.disconnect();
    redis.disconnect();
  }
}
