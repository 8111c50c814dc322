import type { LabelledText } from '../learner/trainer.js';
import { detectLanguage } from '../text/language.js';
import { EmbeddingHead, type EmbeddingHeadOptions } from './embedding-head.js';
import type { SentenceEncoder } from './sentence-encoder.js';
import { remembering } from './vector-cache.js';

/** Options of the shipped head; the retraining job trains candidates the same way. */
export const DEFAULT_HEAD_OPTIONS: EmbeddingHeadOptions = { seed: 13 };

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
  const cached = remembering(encoder);
  const embedded = [];
  for (const e of english) embedded.push({ vector: await cached.embed(e.text), label: e.label });
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
