import { readFileSync } from 'node:fs';
import { bundledModelFile } from '../bundled-files.js';
import { EmbeddingHead, type EmbeddingHeadJson } from './embedding-head.js';
import { loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';

/** The encoder and the intent head trained on its vectors: used together or not at all. */
export interface EncoderEnsemble {
  encoder: SentenceEncoder;
  head: EmbeddingHead;
}

/** Beside the n-gram model (trained by scripts/nlp/train-default.ts from the same corpus). */
export function defaultHeadPath(): string {
  const path = bundledModelFile('encoder-head.json');
  if (!path) throw new Error('encoder intent head not found: run scripts/nlp/train-default.ts');
  return path;
}

export function loadHead(path: string): EmbeddingHead {
  return EmbeddingHead.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as EmbeddingHeadJson);
}

export async function loadDefaultEncoderEnsemble(): Promise<EncoderEnsemble> {
  const head = loadHead(defaultHeadPath());
  const encoder = await loadSentenceEncoder();
  if (head.encoder !== encoder.name || head.dimensions !== encoder.dimensions) {
    await encoder.close();
    throw new Error(`intent head was trained on ${head.encoder}, not on ${encoder.name}`);
  }
  return { encoder, head };
}
