import { Worker } from 'node:worker_threads';

/**
 * A worker thread on a module of the project. Under tsx (how the services run) a worker does not
 * inherit the main thread's loader hooks, so for a TypeScript file it registers tsx's loader
 * first; a JavaScript file (a build) starts as it is.
 */
export function startModuleWorker(file: URL, workerData?: unknown): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
