import type { Redis } from '@tierflow/runtime/redis/redis-client';
import type { AggregateContext } from '@tierflow/contracts/keyspace/aggregator/aggregate-row';
import { churnConfigFromEnv } from '@tierflow/churn-watch/churn-config';
import { DashboardStore } from './dashboard-store';
import { createFeedExplainer } from './feed-explanation';
import { createPortfolioReader } from './portfolio/portfolio-reader';
import { createRankerView } from './ranker-view';

/**
 * Everything the dashboard (and the CLI's card, top, worklist, matrix and review) reads, built
 * in one place: the ranker's view, the card/summary store, the portfolio lists and the feed's
 * sentences. churn-watch's thresholds come from its own variables (CHURN_*), so the card's
 * sentences name the thresholds churn-watch decided with.
 */
export function createReadModel(p: {
  redis: Redis;
  keyPrefix: string;
  transactionsPartitions: number;
  aggregateContext: AggregateContext;
  env?: NodeJS.ProcessEnv;
}) {
  const churn = churnConfigFromEnv(p.env ?? process.env);
  const rank = createRankerView({ redis: p.redis, keyPrefix: p.keyPrefix, currency: p.aggregateContext.currency, rankingWindowDays: p.aggregateContext.rankingWindowDays });
  const common = { redis: p.redis, keyPrefix: p.keyPrefix, transactionsPartitions: p.transactionsPartitions, aggregateContext: p.aggregateContext, churnThresholds: churn.thresholds, rank };
  return {
    rank,
    store: new DashboardStore(common),
    portfolio: createPortfolioReader({ ...common, matrix: churn.standing.matrix }),
    explain: createFeedExplainer({ basis: rank.basis, currency: p.aggregateContext.currency, rankingWindowDays: p.aggregateContext.rankingWindowDays }),
  };
}

export type ReadModel = ReturnType<typeof createReadModel>;
