import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { bundledModelFile } from '../bundled-files.js';
import { WordPieceTokenizer } from './wordpiece.js';

/**
 * A pretrained sentence encoder (int8, run by ONNX Runtime on the CPU): text -> unit-length
 * vector whose neighbours mean similar things. It reads paraphrases the n-gram model has never
 * seen, which is what real customer messages are full of. Each bundled encoder's README under
 * src/nlp/model/ says where its weights come from and how its file was built.
 */
export interface SentenceEncoder {
  /** Names the weights: an embedding head is only valid for the encoder it was trained on. */
  readonly name: string;
  readonly dimensions: number;
  embed(text: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/** What differs between the bundled encoders; both are uncased-WordPiece transformers. */
export interface EncoderSpec {
  name: string;
  /** Folder under src/nlp/model/ holding model-int8.onnx and vocab.txt. */
  folder: string;
  dimensions: number;
  /** The tokens the model was trained to see around a text. */
  specialTokens: { cls: string; sep: string; unk: string };
}

/** all-MiniLM-L6-v2: 6 layers, 384-d, about 4 ms per message. */
export const MINILM: EncoderSpec = {
  name: 'all-MiniLM-L6-v2-int8',
  folder: 'minilm',
  dimensions: 384,
  specialTokens: { cls: '[CLS]', sep: '[SEP]', unk: '[UNK]' },
};

/** all-mpnet-base-v2: 12 layers, 768-d, about 20 ms per message, the stronger reader. */
export const MPNET: EncoderSpec = {
  name: 'all-mpnet-base-v2-int8',
  folder: 'mpnet',
  dimensions: 768,
  specialTokens: { cls: '<s>', sep: '</s>', unk: '[UNK]' },
};

export function encoderDir(spec: EncoderSpec): string {
  const model = bundledModelFile(`${spec.folder}/model-int8.onnx`);
  if (!model)
    throw new Error(`sentence encoder model not found (src/nlp/model/${spec.folder}/model-int8.onnx)`);
  return `${dirname(model)}/`;
}

export async function loadSentenceEncoder(
  spec: EncoderSpec = MINILM,
  dir = encoderDir(spec),
): Promise<SentenceEncoder> {
  const tokenizer = new WordPieceTokenizer(readFileSync(`${dir}vocab.txt`, 'utf8'), {
    specialTokens: spec.specialTokens,
  });
  // One thread: a process serves many conversations at once, so parallelism comes from them,
  // and the other core stays free for MongoDB, Redis and the event loop. Loading from a path
  // lets ONNX Runtime find weights kept in a file beside the graph (GitHub refuses files over
  // 100 MB).
  const session = await InferenceSession.create(`${dir}model-int8.onnx`, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const { dimensions } = spec;
  return {
    name: spec.name,
    dimensions,
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
      if (!embedding || !(embedding.data instanceof Float32Array) || embedding.data.length !== dimensions)
        throw new Error(`sentence encoder ${spec.name} returned no ${dimensions}-d embedding`);
      return embedding.data;
    },
    close: () => session.release(),
  };
}
