import { ConfigurationError } from '@tierflow/contracts/errors/tierflow-error';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where Chromium is: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Prints the review's HTML to a PDF with headless Chromium (no network, no profile kept).
 * Throws with the reason when Chromium is missing, fails or takes longer than timeoutMs.
 */
export async function printPdf(html: string, out: string, opts: { chromium?: string; timeoutMs?: number } = {}): Promise<void> {
  const bin = opts.chromium ?? chromiumPath();
  if (!existsSync(bin)) throw new ConfigurationError('NO_CHROMIUM', `--format pdf needs Chromium at ${bin} (set CHROMIUM_PATH, or apt-get install chromium)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'tierflow-review-'));
  try {
    const file = path.join(dir, 'review.html');
    writeFileSync(file, html);
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${path.join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${path.resolve(out)}`, `file://${file}`];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', (err) => { clearTimeout(timer); reject(err); });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 && existsSync(out)) resolve();
        else reject(new Error(`chromium could not print the PDF (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
