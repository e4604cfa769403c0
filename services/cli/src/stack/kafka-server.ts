import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { findJava } from './java-runtime';
import { startDetached, waitUntilReady, type ManagedProcess } from './process-control';
import type { StackLayout } from './stack-layout';

export function kafkaProcess(layout: StackLayout): ManagedProcess {
  return {
    name: 'kafka',
    pidFile: path.join(layout.runDir, 'kafka.pid'),
    logFile: path.join(layout.logDir, 'kafka.log'),
    marker: layout.kafkaLibs,
  };
}

/** server.properties for one combined broker+controller node on loopback, tuned for one machine. */
export function kafkaServerProperties(layout: StackLayout): string {
  const { kafka, kafkaController } = layout.ports;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${kafkaController}`,
    `listeners=PLAINTEXT://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${kafka}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${layout.kafkaData}`,
    'num.partitions=6',
    'default.replication.factor=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=6',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'log.retention.hours=-1',
    'log.segment.bytes=268435456',
    'log.cleaner.enable=true',
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

const log4j = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.server.BrokerServer=INFO',
  'log4j.logger.kafka.server.ControllerServer=INFO',
  '',
].join('\n');

/** Writes the config, formats the log dir once (StorageTool), and starts kafka.Kafka. */
export function startKafka(layout: StackLayout): number {
  const java = findJava(17, 'KAFKA_JAVA_HOME').bin;
  mkdirSync(layout.confDir, { recursive: true });
  mkdirSync(layout.kafkaData, { recursive: true });
  const props = path.join(layout.confDir, 'server.properties');
  const log4jFile = path.join(layout.confDir, 'kafka-log4j.properties');
  writeFileSync(props, kafkaServerProperties(layout));
  writeFileSync(log4jFile, log4j);
  const classpath = `${layout.kafkaLibs}/*`;
  const log4jOpt = `-Dlog4j.configuration=file:${log4jFile}`;
  const clusterIdFile = path.join(layout.dataDir, 'kafka-cluster-id');
  if (!existsSync(clusterIdFile)) {
    const id = execFileSync(java, ['-cp', classpath, log4jOpt, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    writeFileSync(clusterIdFile, id);
  }
  const clusterId = readFileSync(clusterIdFile, 'utf8').trim();
  execFileSync(
    java,
    ['-cp', classpath, log4jOpt, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '--ignore-formatted'],
    { stdio: 'ignore' },
  );
  return startDetached(
    kafkaProcess(layout),
    java,
    ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-Djava.awt.headless=true', log4jOpt, '-cp', classpath, 'kafka.Kafka', props],
    { cwd: layout.root },
  );
}

/** Ready when the broker answers a metadata (describeCluster) call. */
export async function kafkaReady(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ brokers, clientId: 'tierflow-stack', logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function waitForKafka(layout: StackLayout, timeoutMs = 120_000): Promise<void> {
  await waitUntilReady(kafkaProcess(layout), () => kafkaReady([`127.0.0.1:${layout.ports.kafka}`]), timeoutMs);
}
