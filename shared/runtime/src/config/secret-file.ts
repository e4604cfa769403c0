import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * An environment variable naming a file (a CA bundle, a certificate, a key, a password file):
 * read once while the config is parsed, so a missing or unreadable file stops the service with
 * an error naming the variable, not a TLS failure minutes later. The content is never logged.
 */
export const envFile = () =>
  z
    .string()
    .optional()
    .transform((file, ctx) => {
      if (file === undefined) return undefined;
      try {
        const content = readFileSync(file, 'utf8');
        if (content.trim() === '') {
          ctx.addIssue({ code: 'custom', message: `file ${file} is empty` });
          return z.NEVER;
        }
        return content;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        return z.NEVER;
      }
    });
