import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { requireMaven } from './java-runtime';
import type { StackLayout } from './stack-layout';

/** True when both Kafka's jars and Apicurio's fast-jar are already in the cache folder. */
export function artifactsPresent(layout: StackLayout): boolean {
  return (
    existsSync(layout.kafkaLibs) &&
    readdirSync(layout.kafkaLibs).some((f) => f.startsWith('kafka_2.13-')) &&
    existsSync(path.join(layout.apicurioHome, 'quarkus-run.jar'))
  );
}

/** Copies Kafka's jars and unpacks Apicurio with Maven, once. A second start needs no network. */
export function fetchArtifacts(layout: StackLayout, log: (msg: string) => void): { fetched: boolean; seconds: number } {
  if (artifactsPresent(layout)) return { fetched: false, seconds: 0 };
  requireMaven();
  log('fetching Kafka 3.9.1 and Apicurio Registry 3.3.3 with Maven (first start only)...');
  const started = Date.now();
  const res = spawnSync('mvn', ['-B', '-q', '-f', layout.pom, 'package', `-Dstack.dir=${layout.root}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`Maven could not fetch the stack's artifacts (exit ${res.status}); see its output above`);
  if (!artifactsPresent(layout)) throw new Error(`Maven finished but ${layout.kafkaLibs} or ${layout.apicurioHome} is incomplete`);
  return { fetched: true, seconds: (Date.now() - started) / 1000 };
}
