import { startModuleThread } from '../threads/module-thread.js';
import type { EncoderThreadInit, EncoderThreadMessage } from './encoder-thread.js';

/** One encoder running in its worker thread (encoder-thread.ts), seen from the caller. */
export interface EncoderThread {
  readonly alive: boolean;
  embed(ids: BigInt64Array): Promise<Float32Array>;
  stop(): Promise<void>;
}

/** Starts a thread with the model loaded; rejects if the model cannot be loaded there. */
export function startEncoderThread(modelPath: string): Promise<EncoderThread> {
  const init: EncoderThreadInit = { modelPath };
  const worker = startModuleThread(import.meta.url, 'encoder-thread', init);
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
