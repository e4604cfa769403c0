import { stackDown, stackReset, stackStatus, stackUp } from './stack/local-stack';
import { stackLayout } from './stack/stack-layout';
import { UsageError } from './usage-error';

const say = (msg: string) => process.stdout.write(`${msg}\n`);

/** `tierflow stack up|down|status|reset` */
export async function stackCommand(args: string[]): Promise<number> {
  const layout = stackLayout();
  switch (args[0]) {
    case 'up': {
      const { fetchSeconds, seconds } = await stackUp(layout, say);
      say(`stack up in ${seconds.toFixed(1)}s${fetchSeconds > 0 ? ` (of which ${fetchSeconds.toFixed(1)}s downloading)` : ''}`);
      say(`  KAFKA_BROKERS=127.0.0.1:${layout.ports.kafka}`);
      say(`  SCHEMA_REGISTRY_URL=http://127.0.0.1:${layout.ports.registry}/apis/ccompat/v7`);
      say(`  REDIS_URL=redis://127.0.0.1:${layout.ports.redis}  (password: ${layout.files.redisPassword}, found by default)`);
      say(`secured endpoints (CA ${layout.files.caCert}, user tierflow, passwords in ${layout.files.secrets}):`);
      say(`  Kafka SASL_SSL 127.0.0.1:${layout.ports.kafkaSaslSsl}, mutual TLS 127.0.0.1:${layout.ports.kafkaSsl}; Redis TLS rediss://127.0.0.1:${layout.ports.redisTls}`);
      say(`  registry over TLS with basic auth https://127.0.0.1:${layout.ports.registryTls}/apis/ccompat/v7`);
      return 0;
    }
    case 'down':
      await stackDown(layout, say);
      return 0;
    case 'status': {
      const statuses = await stackStatus(layout);
      for (const s of statuses) {
        say(`${s.name.padEnd(9)} ${s.ready ? 'ready  ' : s.pid ? 'running' : 'stopped'} ${s.pid ? `pid ${s.pid}` : ''.padEnd(9)} ${s.address}`);
      }
      return statuses.every((s) => s.ready) ? 0 : 3;
    }
    case 'reset':
      await stackReset(layout, say);
      return 0;
    default:
      throw new UsageError(`stack: expected up, down, status or reset, got ${args[0] ?? 'nothing'}`);
  }
}
