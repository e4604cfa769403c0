/**
 * Everything tools/bench-peer/bench-peer.ts takes from the rest of the repo, in one place, so a
 * move of the tree is fixed here only. Re-exports, nothing else.
 *
 * Before the tools/ and shared/ move these lived at ../../test/support/{kafka-io,
 * aggregator-harness,transaction-fixtures,service-process}, ../../test/bench/{process-memory,process-cpu},
 * @tierflow/shared/connection-config and @tierflow/shared/key-partition.
 */
export { connectionConfig } from '@tierflow/runtime/config/connection-config';
export { partitionOfKey } from '@tierflow/contracts/keyspace/key-partition';
export { deleteTopics, produce, testKafka, topicEnd } from '@tierflow/testkit/kafka-io';
export {
  PARTITIONS,
  aggregatorGroup,
  dropPrefix,
  pipelineFixture,
  readCustomers,
  repartitionGroup,
  toMessage,
  waitApplied,
} from '@tierflow/testkit/aggregator-harness';
export { generateTransactions, type FixtureEvent } from '@tierflow/testkit/transaction-fixtures';
export { startService } from '@tierflow/testkit/service-process';
export { peakRssMb } from '@tierflow/bench/process-memory';
export { cpuSeconds, stackPids } from '@tierflow/bench/process-cpu';
