/**
 * The V8 flags a service's process runs with, given by everything that starts one (the CLI's
 * supervisor, the test kit). The two services that take every transaction or aggregate get a
 * larger young generation: an apply step keeps its records alive across its Redis and Kafka
 * round trips, and with the default 16 MB semi-space most of them were promoted and swept
 * again (GC 24.5% of the aggregator's busy time; 17% with 64 MB, docs/benchmarks.md).
 */
const YOUNG_GENERATION = ['--max-semi-space-size=64'];

export function serviceNodeArgs(service: string): string[] {
  return service === 'aggregator' || service === 'ranker' ? [...YOUNG_GENERATION] : [];
}
