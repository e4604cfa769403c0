import { ConfigurationError } from '@tierflow/contracts/errors/tierflow-error';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export class MissingToolError extends ConfigurationError<'MISSING_TOOL'> {
  constructor(message: string) {
    super('MISSING_TOOL', message);
    this.name = 'MissingToolError';
  }
}

function majorOfJava(javaBin: string): number | null {
  const home = path.dirname(path.dirname(javaBin));
  const release = path.join(home, 'release');
  if (existsSync(release)) {
    const m = /JAVA_VERSION="(\d+)/.exec(readFileSync(release, 'utf8'));
    if (m) return Number(m[1]);
  }
  try {
    const out = execFileSync(javaBin, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseVersion(out);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr;
    return stderr ? parseVersion(stderr) : null;
  }
}

function parseVersion(text: string): number | null {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

function whichJava(): string | null {
  try {
    const javaPath = execFileSync('bash', ['-c', 'readlink -f "$(command -v java)"'], { encoding: 'utf8' }).trim();
    return javaPath || null;
  } catch {
    return null;
  }
}

/**
 * Finds a java binary of at least `minMajor`: $envVar's home, JAVA_HOME, the java on PATH,
 * then every JDK under /usr/lib/jvm (newest first). Kafka 3.9 runs on 17; Apicurio 3.3 needs 21.
 */
export function findJava(minMajor: number, envVar: string, env: NodeJS.ProcessEnv = process.env): { bin: string; major: number } {
  const candidates: string[] = [];
  for (const home of [env[envVar], env.JAVA_HOME]) if (home) candidates.push(path.join(home, 'bin/java'));
  const onPath = whichJava();
  if (onPath) candidates.push(onPath);
  const jvmRoot = '/usr/lib/jvm';
  if (existsSync(jvmRoot)) {
    for (const dir of readdirSync(jvmRoot).sort().reverse()) candidates.push(path.join(jvmRoot, dir, 'bin/java'));
  }
  const seen: string[] = [];
  let best: { bin: string; major: number } | null = null;
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const major = majorOfJava(bin);
    seen.push(`${bin} (${major ?? '?'})`);
    if (major !== null && major >= minMajor && (!best || major > best.major)) best = { bin, major };
  }
  if (!best) {
    throw new MissingToolError(
      `Java ${minMajor} or newer is required (set ${envVar} to a JDK home). Found: ${seen.join(', ') || 'no java at all'}`,
    );
  }
  return best;
}

export function requireMaven(): void {
  try {
    execFileSync('mvn', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new MissingToolError('Apache Maven (mvn) is required to fetch Kafka and Apicurio: install it (Debian: apt-get install maven)');
  }
}
