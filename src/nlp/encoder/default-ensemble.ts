import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EmbeddingHead, type EmbeddingHeadJson } from './embedding-head.js';
import { loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';

/** The encoder and the intent head trained on its vectors: used together or not at all. */
export interface EncoderEnsemble {
  encoder: SentenceEncoder;
  head: EmbeddingHead;
}

/** Beside the n-gram model (trained by scripts/nlp/train-default.ts from the same corpus). */
const HEAD_CANDIDATES = [
  new URL('../model/encoder-head.json', import.meta.url),
  new URL('../../../../src/nlp/model/encoder-head.json', import.meta.url),
];

export function defaultHeadPath(): string {
  for (const url of HEAD_CANDIDATES) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error('encoder intent head not found: run scripts/nlp/train-default.ts');
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
