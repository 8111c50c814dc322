import { Worker } from 'node:worker_threads';
import type { EncoderThreadInit, EncoderThreadMessage } from './encoder-thread.js';

/** One encoder running in its worker thread (encoder-thread.ts), seen from the caller. */
export interface EncoderThread {
  readonly alive: boolean;
  embed(ids: BigInt64Array): Promise<Float32Array>;
  stop(): Promise<void>;
}

// From dist/ the entry is plain JS. From src/ it is TypeScript: the thread registers tsx's
// loader before importing it (a worker does not inherit the loader, and Node 20 ignores
// `--import` in a worker's execArgv).
const fromSource = import.meta.url.endsWith('.ts');
const ENTRY = new URL(`./encoder-thread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
const sourceBoot = () => {
  // Resolved here: an eval'd thread would resolve a bare name from the working directory.
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY.href)}); })`;
};

/** Starts a thread with the model loaded; rejects if the model cannot be loaded there. */
export function startEncoderThread(modelPath: string): Promise<EncoderThread> {
  const init: EncoderThreadInit = { modelPath };
  const worker = fromSource
    ? new Worker(sourceBoot(), { eval: true, workerData: init })
    : new Worker(ENTRY, { workerData: init });
  // Referenced while starting or answering, so that a caller awaiting it keeps the process up;
  // idle, the thread does not keep alive a process that has nothing else to do.
  const pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let alive = true;
  let stopping = false;
  return new Promise((resolveStart, rejectStart) => {
    const thread: EncoderThread = {
      get alive() {
        return alive;
      },
      embed(ids) {
        if (!alive) return Promise.reject(new Error('sentence encoder thread stopped'));
        const id = nextId++;
        return new Promise((resolve, reject) => {
          if (pending.size === 0) worker.ref();
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, ids });
        });
      },
      async stop() {
        stopping = true;
        await worker.terminate();
      },
    };
    worker.on('message', (m: EncoderThreadMessage) => {
      if (m.type === 'ready') {
        worker.unref();
        resolveStart(thread);
      } else if (m.type === 'failed') {
        rejectStart(new Error(`sentence encoder could not load ${modelPath}: ${m.message}`));
        void worker.terminate();
      } else {
        const waiting = pending.get(m.id);
        pending.delete(m.id);
        if (pending.size === 0) worker.unref();
        if (m.type === 'vector') waiting?.resolve(m.vector);
        else waiting?.reject(new Error(`sentence encoder failed: ${m.message}`));
      }
    });
    worker.on('error', (err) => rejectStart(err));
    worker.on('exit', (code) => {
      alive = false;
      const why = new Error(
        stopping ? 'sentence encoder closed' : `sentence encoder thread exited (code ${code})`,
      );
      rejectStart(why);
      for (const w of pending.values()) w.reject(why);
      pending.clear();
    });
  });
}
