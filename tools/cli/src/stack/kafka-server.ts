import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { STACK_USER } from '@tierflow/runtime/config/stack-files';
import { findJava } from './java-runtime';
import { startDetached, waitUntilReady, type ManagedProcess } from './process-control';
import type { StackLayout } from './stack-layout';
import { ensurePassword, writePrivate } from './stack-secrets';
import { ensureStackTls } from './stack-tls';

export function kafkaProcess(layout: StackLayout): ManagedProcess {
  return {
    name: 'kafka',
    pidFile: path.join(layout.runDir, 'kafka.pid'),
    logFile: path.join(layout.logDir, 'kafka.log'),
    marker: layout.kafkaLibs,
  };
}

/** The throwaway secrets the broker's secured listeners use (generated under the stack's secrets/). */
export interface KafkaSecrets {
  /** the SASL user `tierflow`'s password, for PLAIN and both SCRAM mechanisms */
  userPassword: string;
  /** the PKCS12 keystore's and truststore's password */
  storePassword: string;
}

/**
 * server.properties for one combined broker+controller node on loopback, tuned for one machine.
 * Three client listeners: PLAINTEXT (the default, what the services use unless told otherwise),
 * SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 over TLS) and SSL with a required client
 * certificate (mutual TLS). The file holds passwords, so it is written owner-only.
 */
export function kafkaServerProperties(layout: StackLayout, secrets: KafkaSecrets): string {
  const { kafka, kafkaController, kafkaSaslSsl, kafkaSsl } = layout.ports;
  const { files } = layout;
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${kafkaController}`,
    `listeners=PLAINTEXT://127.0.0.1:${kafka},SASL_SSL://127.0.0.1:${kafkaSaslSsl},SSL://127.0.0.1:${kafkaSsl},CONTROLLER://127.0.0.1:${kafkaController}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${kafka},SASL_SSL://127.0.0.1:${kafkaSaslSsl},SSL://127.0.0.1:${kafkaSsl}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${STACK_USER}="${secrets.userPassword}";`,
    `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${scram}`,
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scram}`,
    'listener.name.ssl.ssl.client.auth=required',
    `ssl.keystore.location=${files.brokerKeystore}`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.password=${secrets.storePassword}`,
    `ssl.key.password=${secrets.storePassword}`,
    `ssl.truststore.location=${files.brokerTruststore}`,
    'ssl.truststore.type=PKCS12',
    `ssl.truststore.password=${secrets.storePassword}`,
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
  ensureStackTls(layout.files, java);
  writePrivate(props, kafkaServerProperties(layout, kafkaSecrets(layout)));
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

function kafkaSecrets(layout: StackLayout): KafkaSecrets {
  return {
    userPassword: ensurePassword(layout.files, layout.files.kafkaPassword),
    storePassword: ensurePassword(layout.files, layout.files.keystorePassword),
  };
}

/**
 * Gives the SASL user its SCRAM-SHA-256 and SCRAM-SHA-512 credentials (kept in the cluster's
 * metadata, so once per data folder; a marker beside the data says it is done). Through the
 * PLAINTEXT listener with Kafka's own ConfigCommand, which works on a formatted, running broker.
 */
export function ensureScramUser(layout: StackLayout): void {
  const marker = path.join(layout.dataDir, 'kafka-scram-user');
  const password = ensurePassword(layout.files, layout.files.kafkaPassword);
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === STACK_USER) return;
  const java = findJava(17, 'KAFKA_JAVA_HOME').bin;
  // one mechanism per request: the broker refuses two changes of one user's credentials in one
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    execFileSync(
      java,
      [
        '-cp', `${layout.kafkaLibs}/*`, `-Dlog4j.configuration=file:${path.join(layout.confDir, 'kafka-log4j.properties')}`,
        'kafka.admin.ConfigCommand', '--bootstrap-server', `127.0.0.1:${layout.ports.kafka}`, '--alter',
        '--add-config', `${mechanism}=[password=${password}]`, '--entity-type', 'users', '--entity-name', STACK_USER,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 },
    );
  }
  writeFileSync(marker, STACK_USER + '\n');
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
  ensureScramUser(layout);
}
