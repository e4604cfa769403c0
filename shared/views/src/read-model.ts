import type { Redis } from '@tierflow/runtime/redis/redis-client';
import type { AggregateContext } from '@tierflow/contracts/keyspace/aggregator/aggregate-row';
import { ConfigError } from '@tierflow/runtime/config/config-env';
import { churnSettings } from '@tierflow/runtime/config/churn-settings';
import { parseStrategyMatrix } from '@tierflow/domain/strategy/strategy-matrix';
import { DashboardStore } from './dashboard-store';
import { createFeedExplainer } from './feed-explanation';
import { createPortfolioReader } from './portfolio/portfolio-reader';
import { createRankerView } from './ranker-view';

/**
 * Everything the dashboard (and the CLI's card, top, worklist, matrix and review) reads, built
 * in one place: the ranker's view, the card/summary store, the portfolio lists and the feed's
 * sentences. churn-watch's thresholds come from its variables (CHURN_*, declared once in
 * shared/runtime/src/config/churn-settings.ts), so the card's sentences name the thresholds
 * churn-watch decided with.
 */
export function createReadModel(p: {
  redis: Redis;
  keyPrefix: string;
  transactionsPartitions: number;
  aggregateContext: AggregateContext;
  env?: NodeJS.ProcessEnv;
}) {
  const churn = churnSettings(p.env ?? process.env);
  const matrix = strategyMatrixOf(churn.strategyMatrix);
  const rank = createRankerView({ redis: p.redis, keyPrefix: p.keyPrefix, currency: p.aggregateContext.currency, rankingWindowDays: p.aggregateContext.rankingWindowDays });
  const common = { redis: p.redis, keyPrefix: p.keyPrefix, transactionsPartitions: p.transactionsPartitions, aggregateContext: p.aggregateContext, churnThresholds: churn.thresholds, rank };
  return {
    rank,
    store: new DashboardStore(common),
    portfolio: createPortfolioReader({ ...common, matrix }),
    explain: createFeedExplainer({ basis: rank.basis, currency: p.aggregateContext.currency, rankingWindowDays: p.aggregateContext.rankingWindowDays }),
  };
}

export type ReadModel = ReturnType<typeof createReadModel>;

/** STRATEGY_MATRIX parsed as churn-watch parses it; a bad one is a ConfigError naming it, as there. */
function strategyMatrixOf(raw: string | undefined) {
  try {
    return parseStrategyMatrix(raw);
  } catch {
    throw new ConfigError([{ variable: 'STRATEGY_MATRIX', message: 'bad strategy matrix JSON' }]);
  }
}
