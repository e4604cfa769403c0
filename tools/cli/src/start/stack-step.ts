import type { ConnectionConfig } from '@tierflow/runtime/config/connection-config';
import { kafkaProcess } from '../stack/kafka-server';
import { stackUp } from '../stack/local-stack';
import { runningPid, stopProcess, type ManagedProcess } from '../stack/process-control';
import { redisProcess } from '../stack/redis-server';
import { registryProcess } from '../stack/registry-server';
import type { StackLayout } from '../stack/stack-layout';

export interface StackStep {
  /** the stack's processes this step started (those already running are left to whoever started them) */
  started: ManagedProcess[];
  /** stops what this step started, in reverse order */
  stop: () => Promise<void>;
}

/**
 * `tierflow start`'s first part: the local stack (Kafka, schema registry, Redis) unless
 * KAFKA_BROKERS / SCHEMA_REGISTRY_URL / REDIS_URL point elsewhere. Remembers what it started,
 * so that stop() stops only that.
 */
export async function startStackStep(connection: ConnectionConfig, layout: StackLayout, say: (msg: string) => void): Promise<StackStep> {
  const started: ManagedProcess[] = [];
  const step: StackStep = {
    started,
    stop: async () => {
      for (const p of [...started].reverse()) {
        await stopProcess(p);
        say(`stopped ${p.name}`);
      }
    },
  };
  if (connection.usesLocalStack) {
    const procs = [redisProcess(layout), kafkaProcess(layout), registryProcess(layout)];
    const wasRunning = procs.map((p) => runningPid(p) !== null);
    say('starting the local stack (Kafka, schema registry, Redis)…');
    await stackUp(layout, (m) => say(`  ${m}`));
    procs.forEach((p, i) => {
      if (!wasRunning[i]) started.push(p);
    });
  } else {
    say(`using KAFKA_BROKERS=${connection.kafkaBrokers.join(',')} SCHEMA_REGISTRY_URL=${connection.registryUrl} REDIS_URL=${connection.redisUrl}`);
  }
  return step;
}
