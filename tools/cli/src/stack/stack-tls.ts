import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackFiles } from '@tierflow/runtime/config/stack-files';
import { ensurePassword, ensureSecretsDir } from './stack-secrets';

const DAYS = '825';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Signs a new key's certificate with the stack CA; `usage` is serverAuth or clientAuth. */
function issue(files: StackFiles, params: { cn: string; cert: string; key: string; usage: 'serverAuth' | 'clientAuth' }): void {
  const csr = `${params.cert}.csr`;
  const ext = `${params.cert}.ext`;
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', params.key, '-out', csr, '-subj', `/CN=${params.cn}`]);
  const san = params.usage === 'serverAuth' ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' : '';
  writeFileSync(ext, `${san}extendedKeyUsage=${params.usage}\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
  openssl([
    'x509', '-req', '-in', csr, '-CA', files.caCert, '-CAkey', files.caKey, '-CAcreateserial',
    '-out', params.cert, '-days', DAYS, '-sha256', '-extfile', ext,
  ]);
  rmSync(csr, { force: true });
  rmSync(ext, { force: true });
}

/**
 * The local stack's throwaway PKI, made once with openssl and keytool: a CA; a server
 * certificate for 127.0.0.1 (Kafka's SASL_SSL and SSL listeners, Redis's TLS port, the
 * registry's TLS proxy); a client certificate for mutual TLS; the broker's PKCS12 keystore
 * (openssl) and truststore (keytool). Private keys live in secrets/ (0700), certificates in tls/.
 */
export function ensureStackTls(files: StackFiles, javaBin: string): void {
  ensureSecretsDir(files);
  mkdirSync(files.tls, { recursive: true });
  const storePassword = ensurePassword(files, files.keystorePassword);
  if (!existsSync(files.caCert) || !existsSync(files.caKey)) {
    openssl([
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.caKey, '-out', files.caCert,
      '-days', DAYS, '-sha256', '-subj', '/CN=tierflow local stack CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    // a new CA invalidates everything it signed before
    for (const f of [files.serverCert, files.clientCert, files.brokerKeystore, files.brokerTruststore]) rmSync(f, { force: true });
  }
  if (!existsSync(files.serverCert)) {
    issue(files, { cn: '127.0.0.1', cert: files.serverCert, key: files.serverKey, usage: 'serverAuth' });
    rmSync(files.brokerKeystore, { force: true });
  }
  if (!existsSync(files.clientCert)) issue(files, { cn: 'tierflow-client', cert: files.clientCert, key: files.clientKey, usage: 'clientAuth' });
  if (!existsSync(files.brokerKeystore)) {
    openssl([
      'pkcs12', '-export', '-in', files.serverCert, '-inkey', files.serverKey, '-certfile', files.caCert,
      '-name', 'broker', '-out', files.brokerKeystore, '-passout', `pass:${storePassword}`,
    ]);
  }
  if (!existsSync(files.brokerTruststore)) {
    const keytool = path.join(path.dirname(javaBin), 'keytool');
    execFileSync(
      existsSync(keytool) ? keytool : 'keytool',
      ['-importcert', '-noprompt', '-alias', 'stack-ca', '-file', files.caCert, '-keystore', files.brokerTruststore,
        '-storetype', 'PKCS12', '-storepass', storePassword],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  }
}
