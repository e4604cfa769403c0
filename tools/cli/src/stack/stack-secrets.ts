import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { StackFiles } from '@tierflow/runtime/config/stack-files';

/** The stack's secrets folder, readable by its owner only. */
export function ensureSecretsDir(files: StackFiles): void {
  mkdirSync(files.secrets, { recursive: true, mode: 0o700 });
  chmodSync(files.secrets, 0o700);
}

/**
 * A throwaway password made at the stack's first start and kept under its secrets folder (mode
 * 0600): the same one on every later start, a new one after the folder is wiped. Never committed.
 */
export function ensurePassword(files: StackFiles, file: string): string {
  ensureSecretsDir(files);
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value !== '') return value;
  }
  // hex: no character that needs quoting in a JAAS line, a Redis config line or a URL
  const value = randomBytes(24).toString('hex');
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

/** Writes a file that holds a secret (a config with a password in it), owner-only. */
export function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}
