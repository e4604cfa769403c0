import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', '.stack/', 'dist/', 'services/dashboard/public/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  { files: ['services/dashboard/public/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
  {
    // the pure domain (docs/architecture.md): no I/O of any kind; .dependency-cruiser.cjs checks the layers
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'net', 'http', 'https', 'worker_threads', 'child_process'], message: 'shared/domain is pure: no node: modules (docs/architecture.md).' },
          { group: ['kafkajs', 'ioredis', 'fastify', '@fastify/*', 'pino', 'prom-client', 'avsc', '@kafkajs/*'], message: 'shared/domain is pure: no Kafka, Redis, HTTP, logging or metrics (docs/architecture.md).' },
        ],
      }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
