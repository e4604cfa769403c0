import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { MissingToolError } from './java-runtime';
import { readStackSecret, STACK_USER } from '@tierflow/runtime/config/stack-files';
import { findJava } from './java-runtime';
import { startDetached, waitUntilReady, type ManagedProcess } from './process-control';
import type { StackLayout } from './stack-layout';
import { ensurePassword, writePrivate } from './stack-secrets';
import { ensureStackTls } from './stack-tls';

export function redisProcess(layout: StackLayout): ManagedProcess {
  return {
    name: 'redis',
    pidFile: path.join(layout.runDir, 'redis.pid'),
    logFile: path.join(layout.logDir, 'redis.log'),
    marker: String(layout.ports.redis), // in both "--port N" and the retitled "redis-server 127.0.0.1:N"
  };
}

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's redis-server, installed when missing (as root), else a clear message. */
export function ensureRedisServer(log: (msg: string) => void): void {
  if (hasRedisServer()) return;
  if (process.getuid?.() !== 0) {
    throw new MissingToolError('redis-server (Redis 7) is required: apt-get install redis-server');
  }
  log('installing redis-server from Debian packages...');
  execFileSync('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server'], {
    stdio: 'inherit',
  });
}

/**
 * The stack's own Redis: AOF on with fsync every second, so a restart loses at most the last
 * second; on its own port and folder, never the machine's Redis on 6379.
 */
export function startRedis(layout: StackLayout): number {
  mkdirSync(layout.redisData, { recursive: true });
  mkdirSync(layout.confDir, { recursive: true });
  ensureStackTls(layout.files, findJava(17, 'KAFKA_JAVA_HOME').bin);
  const password = ensurePassword(layout.files, layout.files.redisPassword);
  // the password and the ACL user go in an owner-only config file, not on the command line
  // (which every local user can read in /proc): the default user needs the password, and the
  // ACL user `tierflow` has the same one. TLS on a second port with the stack's own CA; a client
  // certificate is accepted but not required.
  const conf = path.join(layout.confDir, 'redis.conf');
  writePrivate(conf, [
    `requirepass ${password}`,
    `user ${STACK_USER} on >${password} ~* &* +@all`,
    `tls-port ${layout.ports.redisTls}`,
    `tls-cert-file ${layout.files.serverCert}`,
    `tls-key-file ${layout.files.serverKey}`,
    `tls-ca-cert-file ${layout.files.caCert}`,
    'tls-auth-clients optional',
    '',
  ].join('\n'));
  return startDetached(
    redisProcess(layout),
    'redis-server',
    [
      conf,
      '--bind', '127.0.0.1',
      '--port', String(layout.ports.redis),
      '--dir', layout.redisData,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      // the default (rewrite when the AOF passes 64 MB and doubled) forks a rewrite every ~8 s
      // under 5,000 transactions/s, and each one stalled the pipeline for a few hundred ms on
      // 2 cores (docs/benchmarks.md): compact at 1 GB instead
      '--auto-aof-rewrite-min-size', '1gb',
      // a rewrite's child writes the new base in RDB form; without LZF it needs ~40% less CPU
      // (0.30 s instead of 0.50 s for 48 MB here). Redis answers slowly for as long as the child
      // lives on this VM (copy-on-write faults; docs/benchmarks.md): a shorter child is a
      // shorter stall, and disk is cheaper
      '--rdbcompression', 'no',
      '--save', '',
      '--daemonize', 'no',
      '--protected-mode', 'yes',
      // a script call is atomic however long it runs; on a 2-core machine shared with Kafka and
      // the services a large batch can take seconds, and other clients should wait, not fail
      '--busy-reply-threshold', '20000',
      // a customer's aggregate hash holds its packed state (~150 bytes) beside its day and
      // month tallies: up to 256-byte values it stays listpack-encoded (a third of the memory
      // of a hashtable one); the aggregator warns when its Redis keeps the default 64
      '--hash-max-listpack-value', '256',
    ],
    { cwd: layout.redisData },
  );
}

/** Ready when PING answers PONG, authenticated with the stack's password when it has one. */
export async function redisReady(port: number, password?: string): Promise<boolean> {
  const redis = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } finally {
    redis.disconnect();
  }
}

export async function waitForRedis(layout: StackLayout, timeoutMs = 30_000): Promise<void> {
  await waitUntilReady(redisProcess(layout), () => redisReady(layout.ports.redis, readStackSecret(layout.files.redisPassword)), timeoutMs);
}
