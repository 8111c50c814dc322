import { detectLanguage } from '../language.js';
import type { LabelledText } from '../trainer.js';
import { EmbeddingHead, type EmbeddingHeadOptions } from './embedding-head.js';
import type { SentenceEncoder } from './sentence-encoder.js';

/** Options of the shipped head; the retraining job trains candidates the same way. */
export const DEFAULT_HEAD_OPTIONS: EmbeddingHeadOptions = { seed: 13 };

/** Vectors already computed, per encoder: a retraining run re-reads the same corpus lines. */
const cache = new WeakMap<SentenceEncoder, Map<string, Float32Array>>();
const CACHE_LIMIT = 50_000;

/**
 * Trains the encoder's intent head on the English examples, the ones classification sends
 * through the encoder (the same language test decides both). Null when fewer than two intents
 * are left to tell apart.
 */
export async function trainHead(
  encoder: SentenceEncoder,
  examples: readonly LabelledText[],
  meta: Record<string, string | number | boolean> = {},
): Promise<EmbeddingHead | null> {
  const english = examples.filter((e) => detectLanguage(e.text) === 'en');
  if (new Set(english.map((e) => e.label)).size < 2) return null;
  let vectors = cache.get(encoder);
  if (!vectors) {
    vectors = new Map();
    cache.set(encoder, vectors);
  }
  const embedded = [];
  for (const e of english) {
    let v = vectors.get(e.text);
    if (!v) {
      v = await encoder.embed(e.text);
      if (vectors.size < CACHE_LIMIT) vectors.set(e.text, v);
    }
    embedded.push({ vector: v, label: e.label });
  }
  return EmbeddingHead.trainYielding(embedded, encoder.name, { ...DEFAULT_HEAD_OPTIONS, meta });
}

/**
 * A head for each encoder of the ensemble, on the same examples, one encoder after another (the
 * job may share the process with live traffic). Null when no head can be trained.
 */
export async function trainHeads(
  encoders: readonly SentenceEncoder[],
  examples: readonly LabelledText[],
  meta: Record<string, string | number | boolean> = {},
): Promise<EmbeddingHead[] | null> {
  const heads: EmbeddingHead[] = [];
  for (const encoder of encoders) {
    const head = await trainHead(encoder, examples, meta);
    if (!head) return null;
    heads.push(head);
  }
  return heads;
}
