import { readFileSync } from 'node:fs';
import { createLogger } from '@tierflow/runtime/service/logger';
import { readStackSecret, stackFiles, STACK_USER } from '@tierflow/runtime/config/stack-files';
import { stopOnSignals } from '@tierflow/runtime/service/stop-signals';
import { createRegistryProxy } from './registry-proxy';

// started detached by the local stack: `node --import tsx registry-proxy-main.ts <stack dir> <tls port> <registry port>`
const [root, tlsPort, upstreamPort] = process.argv.slice(2);
if (!root || !Number(tlsPort) || !Number(upstreamPort)) throw new Error('usage: registry-proxy-main.ts <stack dir> <tls port> <registry port>');
const logger = createLogger({ name: 'registry-proxy', level: 'info' });
const files = stackFiles({ STACK_DIR: root });
const password = readStackSecret(files.registryPassword);
if (!password) throw new Error(`${files.registryPassword} is missing`);
const server = createRegistryProxy({
  cert: readFileSync(files.serverCert, 'utf8'),
  key: readFileSync(files.serverKey, 'utf8'),
  user: STACK_USER,
  password,
  upstreamPort: Number(upstreamPort),
});
server.listen(Number(tlsPort), '127.0.0.1', () => logger.info({ port: Number(tlsPort), upstreamPort: Number(upstreamPort) }, 'registry TLS proxy listening'));
stopOnSignals(logger, () => new Promise<void>((resolve) => server.close(() => resolve())));
