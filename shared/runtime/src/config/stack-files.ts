import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repo root, found from this file (shared/runtime/src/). */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The local stack's folder: STACK_DIR, else .stack at the repo root (git-ignored). */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.STACK_DIR?.trim() || path.join(repoRoot, '.stack'));
}

/**
 * Files the local stack generates at its first start and clients of the local stack read:
 * throwaway credentials (secrets/, mode 0700) and a throwaway CA with the servers' certificates
 * (tls/). Nothing here is ever committed; a wiped stack dir makes new ones.
 */
export function stackFiles(env: NodeJS.ProcessEnv = process.env) {
  const root = stackDir(env);
  const secrets = path.join(root, 'secrets');
  const tls = path.join(root, 'tls');
  return {
    secrets,
    tls,
    /** the password of Redis's default user and of the ACL user `tierflow` */
    redisPassword: path.join(secrets, 'redis-password'),
    /** the password of the SASL user `tierflow` (PLAIN and both SCRAM mechanisms) */
    kafkaPassword: path.join(secrets, 'kafka-password'),
    /** the password of the PKCS12 keystore and truststore the broker reads */
    keystorePassword: path.join(secrets, 'keystore-password'),
    /** the password of the registry TLS proxy's basic-auth user `tierflow` */
    registryPassword: path.join(secrets, 'registry-password'),
    caCert: path.join(tls, 'ca.pem'),
    caKey: path.join(secrets, 'ca.key'),
    serverCert: path.join(tls, 'server.pem'),
    serverKey: path.join(secrets, 'server.key'),
    brokerKeystore: path.join(tls, 'broker-keystore.p12'),
    brokerTruststore: path.join(tls, 'broker-truststore.p12'),
    clientCert: path.join(tls, 'client.pem'),
    clientKey: path.join(secrets, 'client.key'),
  };
}

export type StackFiles = ReturnType<typeof stackFiles>;

/** The content of a generated secret, or undefined when the stack has not made it (an older stack). */
export function readStackSecret(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const value = readFileSync(file, 'utf8').trim();
  return value === '' ? undefined : value;
}

/** The SASL user the local stack creates. */
export const STACK_USER = 'tierflow';
