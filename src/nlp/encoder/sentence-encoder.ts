import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { bundledModelFile } from '../bundled-files.js';
import { WordPieceTokenizer } from './wordpiece.js';

/**
 * A pretrained sentence encoder (all-MiniLM-L6-v2, int8, run by ONNX Runtime on the CPU): text
 * -> unit-length 384-d vector whose neighbours mean similar things. It reads paraphrases the
 * n-gram model has never seen, which is what real customer messages are full of.
 * src/nlp/model/minilm/README.md says where the weights come from and how the file was built.
 */
export interface SentenceEncoder {
  /** Names the weights: an embedding head is only valid for the encoder it was trained on. */
  readonly name: string;
  readonly dimensions: number;
  embed(text: string): Promise<Float32Array>;
  close(): Promise<void>;
}

export const MINILM_NAME = 'all-MiniLM-L6-v2-int8';
const DIMENSIONS = 384;

export function defaultEncoderDir(): string {
  const model = bundledModelFile('minilm/model-int8.onnx');
  if (!model) throw new Error('sentence encoder model not found (src/nlp/model/minilm/model-int8.onnx)');
  return `${dirname(model)}/`;
}

export async function loadSentenceEncoder(dir = defaultEncoderDir()): Promise<SentenceEncoder> {
  const tokenizer = new WordPieceTokenizer(readFileSync(`${dir}vocab.txt`, 'utf8'));
  // One thread: a process serves many conversations at once, so parallelism comes from them,
  // and the other core stays free for MongoDB, Redis and the event loop.
  const session = await InferenceSession.create(`${dir}model-int8.onnx`, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  return {
    name: MINILM_NAME,
    dimensions: DIMENSIONS,
    async embed(text: string): Promise<Float32Array> {
      const { ids } = tokenizer.encode(text);
      const n = ids.length;
      const inputIds = new BigInt64Array(n);
      for (let i = 0; i < n; i++) inputIds[i] = BigInt(ids[i]!);
      const mask = new BigInt64Array(n).fill(1n);
      const out = await session.run({
        input_ids: new Tensor('int64', inputIds, [1, n]),
        attention_mask: new Tensor('int64', mask, [1, n]),
      });
      const embedding = out.embedding;
      if (!embedding || !(embedding.data instanceof Float32Array) || embedding.data.length !== DIMENSIONS)
        throw new Error('sentence encoder returned no 384-d embedding');
      return embedding.data;
    },
    close: () => session.release(),
  };
}
