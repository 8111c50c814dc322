/**
 * Worker-thread entry: runs one ONNX sentence encoder off the main thread. ONNX Runtime's Node
 * binding computes inside `run` on the calling thread, so in the app's thread every English
 * message would stall sockets and HTTP for the 4–20 ms an encoder takes. Token ids come in,
 * vectors go out; tokenizing stays with the caller. No project imports: the thread starts fast
 * and loads the same way from src/ (through tsx) and from dist/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';

export interface EncoderThreadInit {
  modelPath: string;
}
export interface EmbedRequest {
  id: number;
  ids: BigInt64Array;
}
export type EncoderThreadMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'vector'; id: number; vector: Float32Array }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (port) {
  const { modelPath } = workerData as EncoderThreadInit;
  const post = (m: EncoderThreadMessage) => port.postMessage(m);
  // One thread inside the session: the worker is the parallelism.
  InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  })
    .then((session) => {
      port.on('message', async ({ id, ids }: EmbedRequest) => {
        try {
          const n = ids.length;
          const out = await session.run({
            input_ids: new Tensor('int64', ids, [1, n]),
            attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
          });
          const data = out.embedding?.data;
          if (!(data instanceof Float32Array)) throw new Error('the model returned no embedding');
          post({ type: 'vector', id, vector: Float32Array.from(data) });
        } catch (err) {
          post({ type: 'error', id, message: err instanceof Error ? err.message : String(err) });
        }
      });
      post({ type: 'ready' });
    })
    .catch((err: unknown) =>
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
}
