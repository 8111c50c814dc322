import { readFileSync } from 'node:fs';
import { bundledModelFile } from '../bundled-files.js';
import { EmbeddingHead, type EmbeddingHeadJson } from './embedding-head.js';
import {
  type EncoderSpec,
  loadSentenceEncoder,
  MINILM,
  MPNET,
  type SentenceEncoder,
} from './sentence-encoder.js';

/** An encoder and the intent head trained on its vectors: used together or not at all. */
export interface EncoderMember {
  encoder: SentenceEncoder;
  head: EmbeddingHead;
}

/**
 * The encoders English messages go through, each with its head. Their probabilities are
 * averaged with the n-gram model's: two encoders trained differently err on different messages
 * (complaints-en dev half, complaint vs rest: n-gram alone 78.4, with MiniLM 82.1, with MiniLM
 * and mpnet 83.6 macro-F1).
 */
export type EncoderEnsemble = readonly EncoderMember[];

export const DEFAULT_ENCODERS: readonly EncoderSpec[] = [MINILM, MPNET];

/** Beside its encoder (trained by scripts/nlp/train-default.ts from the n-gram model's corpus). */
export function headFile(spec: EncoderSpec): string {
  return `${spec.folder}/intent-head.json`;
}

export function defaultHeadPath(spec: EncoderSpec): string {
  const path = bundledModelFile(headFile(spec));
  if (!path) throw new Error(`intent head for ${spec.name} not found: run scripts/nlp/train-default.ts`);
  return path;
}

export function loadHead(path: string): EmbeddingHead {
  return EmbeddingHead.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as EmbeddingHeadJson);
}

/** The shipped heads, one per default encoder, in DEFAULT_ENCODERS order. */
export function loadDefaultHeads(): EmbeddingHead[] {
  return DEFAULT_ENCODERS.map((spec) => loadHead(defaultHeadPath(spec)));
}

export async function loadDefaultEncoders(): Promise<SentenceEncoder[]> {
  const encoders: SentenceEncoder[] = [];
  try {
    for (const spec of DEFAULT_ENCODERS) encoders.push(await loadSentenceEncoder(spec));
    return encoders;
  } catch (err) {
    await closeEncoders(encoders);
    throw err;
  }
}

/** Pairs encoders with heads by name; a head trained on another encoder's vectors is refused. */
export function pairHeads(
  encoders: readonly SentenceEncoder[],
  heads: readonly EmbeddingHead[],
): EncoderEnsemble {
  return encoders.map((encoder) => {
    const head = heads.find((h) => h.encoder === encoder.name);
    if (!head) throw new Error(`no intent head for ${encoder.name}`);
    if (head.dimensions !== encoder.dimensions)
      throw new Error(`intent head for ${encoder.name} expects ${head.dimensions}-d vectors`);
    return { encoder, head };
  });
}

export async function loadDefaultEncoderEnsemble(): Promise<EncoderEnsemble> {
  const heads = loadDefaultHeads();
  const encoders = await loadDefaultEncoders();
  try {
    return pairHeads(encoders, heads);
  } catch (err) {
    await closeEncoders(encoders);
    throw err;
  }
}

export async function closeEncoders(encoders: readonly { close(): Promise<void> }[]): Promise<void> {
  await Promise.all(encoders.map((e) => e.close()));
}

export async function closeEnsemble(ensemble: EncoderEnsemble | null | undefined): Promise<void> {
  if (ensemble) await closeEncoders(ensemble.map((m) => m.encoder));
}
