import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

/** docker-compose.yml cannot run here (no Docker engine); this keeps it in step with the stack scripts. */
describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');
  const pom = read('tools/cli/stack/pom.xml');
  const prop = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom)![1];

  it('uses the Kafka and Apicurio versions the local stack fetches', () => {
    expect(compose).toContain(`image: apache/kafka:${prop('kafka.version')}`);
    expect(compose).toContain(`image: apicurio/apicurio-registry:${prop('apicurio.version')}`);
    expect(compose).toMatch(/image: redis:7\b/);
  });

  it('keeps the registry on kafkasql storage and Redis on AOF, as the local stack does', () => {
    expect(compose).toContain('APICURIO_STORAGE_KIND: kafkasql');
    expect(compose).toMatch(/--appendonly", "yes"/);
    expect(compose).toMatch(/--auto-aof-rewrite-min-size", "1gb"/);
    expect(read('tools/cli/src/stack/redis-server.ts')).toMatch(/'--auto-aof-rewrite-min-size', '1gb'/);
    expect(compose).toMatch(/--rdbcompression", "no"/);
    expect(read('tools/cli/src/stack/redis-server.ts')).toMatch(/'--rdbcompression', 'no'/);
    expect(read('tools/cli/src/stack/registry-server.ts')).toContain("'apicurio.storage.kind': 'kafkasql'");
  });

  it('has a healthcheck for every server and a service entry for every service folder', () => {
    for (const server of ['kafka', 'registry', 'redis']) {
      expect(compose).toMatch(new RegExp(`\\n  ${server}:[\\s\\S]*?healthcheck:`));
    }
    for (const service of ['aggregator', 'ranker', 'churn-watch', 'alerter', 'dashboard']) {
      expect(compose).toContain(`services/${service}/src/main.ts`);
    }
  });
});
