import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` beside the caller (`callerUrl` = its
 * import.meta.url), for work that would otherwise hold the app's event loop: ONNX Runtime
 * computes on the thread that calls it, and model training is CPU-bound.
 *
 * From dist/ the entry is plain JS. From src/ it is TypeScript: the thread registers tsx's
 * loader before importing it (a worker does not inherit the loader, and Node 20 ignores
 * `--import` in a worker's execArgv). tsx is resolved here, as an eval'd thread would resolve a
 * bare name from the working directory.
 */
export function startModuleThread(callerUrl: string, name: string, workerData: unknown): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, callerUrl);
  if (!fromSource) return new Worker(entry, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const boot = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
