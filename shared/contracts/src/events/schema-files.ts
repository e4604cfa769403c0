import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repo's schemas/ folder, found from this file so it works from any working directory. */
export const schemasDir = fileURLToPath(new URL('../../../../schemas/', import.meta.url));

/** Reads one .avsc file from schemas/ as its JSON text. */
export async function readSchemaFile(fileName: string): Promise<string> {
  const text = await readFile(path.join(schemasDir, fileName), 'utf8');
  JSON.parse(text); // fail early, naming the file, on a malformed schema
  return text;
}
