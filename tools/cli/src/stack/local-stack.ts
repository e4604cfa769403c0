import { rmSync } from 'node:fs';
import { fetchArtifacts } from './fetch-artifacts';
import { kafkaProcess, kafkaReady, startKafka, waitForKafka } from './kafka-server';
import { portInUse } from './port-check';
import { runningPid, stopProcess, type ManagedProcess } from './process-control';
import { ensureRedisServer, redisProcess, redisReady, startRedis, waitForRedis } from './redis-server';
import { registryProxyProcess, registryProxyReady, registryTlsUrl, startRegistryProxy, waitForRegistryProxy } from './registry-proxy-server';
import { registryProcess, registryReady, registryUrl, startRegistry, waitForRegistry } from './registry-server';
import type { StackLayout } from './stack-layout';
import { readStackSecret } from '@tierflow/runtime/config/stack-files';

export interface ServerStatus {
  name: string;
  pid: number | null;
  ready: boolean;
  address: string;
}

interface Server {
  proc: ManagedProcess;
  port: number;
  address: string;
  start: () => number;
  wait: () => Promise<void>;
  ready: () => Promise<boolean>;
}

function servers(layout: StackLayout, log: (msg: string) => void): Server[] {
  const { ports } = layout;
  return [
    {
      proc: redisProcess(layout),
      port: ports.redis,
      address: `redis://127.0.0.1:${ports.redis}`,
      start: () => {
        ensureRedisServer(log);
        return startRedis(layout);
      },
      wait: () => waitForRedis(layout),
      ready: () => redisReady(ports.redis, readStackSecret(layout.files.redisPassword)),
    },
    {
      proc: kafkaProcess(layout),
      port: ports.kafka,
      address: `127.0.0.1:${ports.kafka}`,
      start: () => startKafka(layout),
      wait: () => waitForKafka(layout),
      ready: () => kafkaReady([`127.0.0.1:${ports.kafka}`]),
    },
    {
      // after Kafka: the registry keeps its schemas in a Kafka topic
      proc: registryProcess(layout),
      port: ports.registry,
      address: registryUrl(layout),
      start: () => startRegistry(layout),
      wait: () => waitForRegistry(layout),
      ready: () => registryReady(registryUrl(layout)),
    },
    {
      // the registry behind TLS and basic auth, for clients that must prove those paths
      proc: registryProxyProcess(layout),
      port: ports.registryTls,
      address: registryTlsUrl(layout),
      start: () => startRegistryProxy(layout),
      wait: () => waitForRegistryProxy(layout),
      ready: () => registryProxyReady(layout),
    },
  ];
}

/**
 * Starts whatever is not running yet and waits until each server answers. Idempotent: servers
 * already up are left alone. A port taken by a process the stack did not start is an error.
 */
export async function stackUp(layout: StackLayout, log: (msg: string) => void): Promise<{ fetchSeconds: number; seconds: number }> {
  const started = Date.now();
  const fetch = fetchArtifacts(layout, log);
  for (const server of servers(layout, log)) {
    const pid = runningPid(server.proc);
    if (pid !== null) {
      await server.wait();
      log(`${server.proc.name} already up (pid ${pid}) at ${server.address}`);
      continue;
    }
    if (await portInUse(server.port)) {
      throw new Error(
        `${server.proc.name}: port ${server.port} is taken by a process this stack did not start; ` +
          `stop it or choose another port (see STACK_* variables in the README)`,
      );
    }
    const newPid = server.start();
    await server.wait();
    log(`${server.proc.name} ready (pid ${newPid}) at ${server.address}`);
  }
  return { fetchSeconds: fetch.seconds, seconds: (Date.now() - started) / 1000 };
}

/** Stops only the processes this stack started (reverse order), keeping their data. */
export async function stackDown(layout: StackLayout, log: (msg: string) => void): Promise<void> {
  for (const server of servers(layout, log).reverse()) {
    const stopped = await stopProcess(server.proc);
    log(stopped ? `${server.proc.name} stopped` : `${server.proc.name} was not running`);
  }
}

export async function stackStatus(layout: StackLayout): Promise<ServerStatus[]> {
  const out: ServerStatus[] = [];
  for (const server of servers(layout, () => undefined)) {
    const pid = runningPid(server.proc);
    const ready = pid !== null && (await server.ready().catch(() => false));
    out.push({ name: server.proc.name, pid, ready, address: server.address });
  }
  return out;
}

/** Stops the stack and wipes its data (downloads are kept). */
export async function stackReset(layout: StackLayout, log: (msg: string) => void): Promise<void> {
  await stackDown(layout, log);
  rmSync(layout.dataDir, { recursive: true, force: true });
  log(`wiped ${layout.dataDir}`);
}
