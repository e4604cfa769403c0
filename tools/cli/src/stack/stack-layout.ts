import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackDir, stackFiles, type StackFiles } from '@tierflow/runtime/config/stack-files';
import { stackPorts, type StackPorts } from '@tierflow/runtime/config/stack-ports';

/** Repo root, found from this file (tools/cli/src/stack/). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Every path the local stack uses: downloads, data, logs and PID files, all under one git-ignored folder. */
export interface StackLayout {
  root: string;
  ports: StackPorts;
  pom: string;
  kafkaLibs: string;
  apicurioHome: string;
  dataDir: string;
  kafkaData: string;
  registryData: string;
  redisData: string;
  confDir: string;
  logDir: string;
  runDir: string;
  /** generated secrets and TLS material (shared/runtime/src/config/stack-files.ts) */
  files: StackFiles;
}

export function stackLayout(env: NodeJS.ProcessEnv = process.env): StackLayout {
  const root = stackDir(env);
  return {
    root,
    ports: stackPorts(env),
    pom: path.join(repoRoot, 'tools/cli/stack/pom.xml'),
    kafkaLibs: path.join(root, 'kafka/libs'),
    apicurioHome: path.join(root, 'apicurio'),
    dataDir: path.join(root, 'data'),
    kafkaData: path.join(root, 'data/kafka'),
    registryData: path.join(root, 'data/registry'),
    redisData: path.join(root, 'data/redis'),
    confDir: path.join(root, 'conf'),
    logDir: path.join(root, 'logs'),
    runDir: path.join(root, 'run'),
    files: stackFiles(env),
  };
}
