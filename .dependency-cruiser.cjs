/**
 * What may import what (docs/architecture.md). `npm run lint` runs this with eslint; CI runs lint.
 * Layers, bottom up: contracts <- domain <- runtime <- views <- services <- tools; test sees all.
 */
const io = '^(kafkajs|ioredis|fastify|@fastify|pino|prom-client|@kafkajs|avsc)(/|$)';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles.', from: {}, to: { circular: true } },
    {
      name: 'contracts-stand-alone', severity: 'error',
      comment: 'contracts are the bottom layer: topics, schemas, event types, Tier, scopes, error codes, the keyspace and its readers.',
      from: { path: '^shared/contracts/' },
      to: { path: '^(shared/(domain|runtime|views)|services|tools|test)/' },
    },
    {
      name: 'domain-is-pure', severity: 'error',
      comment: 'The domain imports contracts only (no readers that do I/O), and no Kafka, Redis, HTTP, logging, metrics or node: module.',
      from: { path: '^shared/domain/' },
      to: { path: '^(shared/(runtime|views)|services|tools|test)/|^shared/contracts/src/keyspace/.*reader' },
    },
    {
      name: 'domain-has-no-io', severity: 'error',
      from: { path: '^shared/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-has-no-io-libraries', severity: 'error',
      from: { path: '^shared/domain/' },
      to: { path: `node_modules/${io.slice(1)}` },
    },
    {
      name: 'runtime-below-services', severity: 'error',
      comment: 'runtime is infrastructure: it knows contracts, never the domain, the views, a service or a tool.',
      from: { path: '^shared/runtime/' },
      to: { path: '^(shared/(domain|views)|services|tools|test)/' },
    },
    {
      name: 'views-below-services', severity: 'error',
      comment: 'views (the read side of the dashboard and the CLI) read through contracts readers, never a service.',
      from: { path: '^shared/views/' },
      to: { path: '^(services|tools|test)/' },
    },
    {
      name: 'services-apart', severity: 'error',
      comment: 'A service never imports another service: what they share is in shared/.',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'services-not-tools-or-tests', severity: 'error',
      from: { path: '^services/' },
      to: { path: '^(tools|test)/' },
    },
    {
      name: 'cli-runs-services-never-imports-them', severity: 'error',
      comment: 'The CLI starts services as processes and reads through shared/views and contracts.',
      from: { path: '^tools/cli/' },
      to: { path: '^(services|test)/' },
    },
    {
      name: 'tools-not-tests', severity: 'error',
      comment: 'Benchmarks and the test kit never import test/: what both need lives in tools/testkit.',
      from: { path: '^tools/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.stack|public)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'], extensions: ['.ts', '.js', '.mjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
