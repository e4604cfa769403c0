import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The material handed to the project sits beside the repo (../shared); tests read it there, never copy it. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const sharedDir = process.env.TIERFLOW_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
export const CDNOW_MASTER = path.join(sharedDir, 'data/cdnow/CDNOW_master.txt');
