import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findJava } from './java-runtime';
import { startDetached, waitUntilReady, type ManagedProcess } from './process-control';
import type { StackLayout } from './stack-layout';

export function registryProcess(layout: StackLayout): ManagedProcess {
  return {
    name: 'registry',
    pidFile: path.join(layout.runDir, 'registry.pid'),
    logFile: path.join(layout.logDir, 'registry.log'),
    marker: layout.apicurioHome,
  };
}

/**
 * Apicurio Registry 3.3.3 with kafkasql storage: every schema lives in the Kafka topic
 * `kafkasql-journal`, so schemas last exactly as long as the Kafka data whose records name them
 * (as Confluent's registry keeps _schemas). Apicurio 3.3 is built for Java 21, so a JDK 21+ is
 * looked up (APICURIO_JAVA_HOME, JAVA_HOME, PATH, /usr/lib/jvm).
 */
export function startRegistry(layout: StackLayout): number {
  const java = findJava(21, 'APICURIO_JAVA_HOME').bin;
  mkdirSync(layout.registryData, { recursive: true });
  const props: Record<string, string> = {
    'apicurio.storage.kind': 'kafkasql',
    'apicurio.kafkasql.bootstrap.servers': `127.0.0.1:${layout.ports.kafka}`,
    'apicurio.kafkasql.topic': 'kafkasql-journal',
    'apicurio.storage.snapshot.location': layout.registryData,
    'quarkus.http.host': '127.0.0.1',
    'quarkus.http.port': String(layout.ports.registry),
    'quarkus.management.host': '127.0.0.1',
    'quarkus.management.port': String(layout.ports.registryManagement),
    'quarkus.log.level': 'WARN',
    'quarkus.log.category."io.quarkus".level': 'INFO',
    'quarkus.http.access-log.enabled': 'false',
  };
  const sysProps = Object.entries(props).map(([k, v]) => `-D${k}=${v}`);
  return startDetached(
    registryProcess(layout),
    java,
    ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', ...sysProps, '-jar', path.join(layout.apicurioHome, 'quarkus-run.jar')],
    { cwd: layout.registryData },
  );
}

export function registryUrl(layout: StackLayout): string {
  return `http://127.0.0.1:${layout.ports.registry}/apis/ccompat/v7`;
}

/** Ready when the Confluent-compatible API answers 200 on /subjects. */
export async function registryReady(url: string): Promise<boolean> {
  const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
  return res.status === 200;
}

export async function waitForRegistry(layout: StackLayout, timeoutMs = 180_000): Promise<void> {
  await waitUntilReady(registryProcess(layout), () => registryReady(registryUrl(layout)), timeoutMs);
}
