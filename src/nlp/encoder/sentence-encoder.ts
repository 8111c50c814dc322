import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundledModelFile } from '../bundled-files.js';
import { type EncoderThread, startEncoderThread } from './encoder-thread-client.js';
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
  /** Starts the encoder's thread (tests pass one that lets them stop it). */
  start: (modelPath: string) => Promise<EncoderThread> = startEncoderThread,
): Promise<SentenceEncoder> {
  const tokenizer = new WordPieceTokenizer(readFileSync(`${dir}vocab.txt`, 'utf8'), {
    specialTokens: spec.specialTokens,
  });
  // Loading from a path lets ONNX Runtime find weights kept in a file beside the graph (GitHub
  // refuses files over 100 MB).
  const modelPath = `${dir}model-int8.onnx`;
  let current: Promise<EncoderThread> = Promise.resolve(await start(modelPath));
  let closed = false;
  // A thread that died (out of memory, a native crash) is replaced on the next message; the
  // messages it was working on fail, and the classifier answers them with the n-gram model.
  const running = async (): Promise<EncoderThread> => {
    const seen = current;
    const thread = await seen.catch(() => null);
    if (thread?.alive) return thread;
    if (current === seen) current = start(modelPath);
    return current;
  };
  const { dimensions } = spec;
  return {
    name: spec.name,
    dimensions,
    async embed(text: string): Promise<Float32Array> {
      if (closed) throw new Error(`sentence encoder ${spec.name} is closed`);
      const ids = BigInt64Array.from(tokenizer.encode(text).ids, (id) => BigInt(id));
      const vector = await (await running()).embed(ids);
      if (vector.length !== dimensions)
        throw new Error(`sentence encoder ${spec.name} returned no ${dimensions}-d embedding`);
      return vector;
    },
    async close() {
      closed = true;
      await (await current.catch(() => null))?.stop();
    },
  };
}
