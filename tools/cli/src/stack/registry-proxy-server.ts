import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStackSecret, STACK_USER } from '@tierflow/runtime/config/stack-files';
import { findJava } from './java-runtime';
import { startDetached, waitUntilReady, type ManagedProcess } from './process-control';
import type { StackLayout } from './stack-layout';
import { ensurePassword } from './stack-secrets';
import { ensureStackTls } from './stack-tls';

const entry = fileURLToPath(new URL('./registry-proxy-main.ts', import.meta.url));

export function registryProxyProcess(layout: StackLayout): ManagedProcess {
  return {
    name: 'registry-tls',
    pidFile: path.join(layout.runDir, 'registry-tls.pid'),
    logFile: path.join(layout.logDir, 'registry-tls.log'),
    // the entry's file name, not its path: a checkout that moved (or a second worktree on the
    // same STACK_DIR) still recognises the proxy it started
    marker: `${path.basename(entry)} ${layout.root} ${layout.ports.registryTls}`,
  };
}

export function registryTlsUrl(layout: StackLayout): string {
  return `https://127.0.0.1:${layout.ports.registryTls}/apis/ccompat/v7`;
}

/** The registry's TLS + basic-auth front (registry-proxy.ts), with a password generated at first start. */
export function startRegistryProxy(layout: StackLayout): number {
  ensureStackTls(layout.files, findJava(17, 'KAFKA_JAVA_HOME').bin);
  ensurePassword(layout.files, layout.files.registryPassword);
  return startDetached(
    registryProxyProcess(layout),
    process.execPath,
    ['--import', 'tsx', entry, layout.root, String(layout.ports.registryTls), String(layout.ports.registry)],
    { cwd: path.dirname(entry) },
  );
}

/** Ready when /subjects answers 200 through it, over TLS verified with the stack CA and with the password. */
export function registryProxyReady(layout: StackLayout): Promise<boolean> {
  const password = readStackSecret(layout.files.registryPassword);
  if (!password) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = https.get(
      `${registryTlsUrl(layout)}/subjects`,
      { ca: readFileSync(layout.files.caCert, 'utf8'), auth: `${STACK_USER}:${password}`, timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function waitForRegistryProxy(layout: StackLayout, timeoutMs = 30_000): Promise<void> {
  await waitUntilReady(registryProxyProcess(layout), () => registryProxyReady(layout), timeoutMs);
}
