import type { SentenceEncoder } from './sentence-encoder.js';

/**
 * Vectors already computed, per encoder, for the retraining job: each run re-reads the same
 * corpus lines and judges two versions on the same held-out texts. Bounded: corrections and
 * corpus edits add texts over a process's life.
 */
const cache = new WeakMap<SentenceEncoder, Map<string, Promise<Float32Array>>>();
const CACHE_LIMIT = 50_000;

/** The encoder, remembering what it embedded; every wrapper of the same encoder shares one memory. */
export function remembering(encoder: SentenceEncoder): SentenceEncoder {
  let vectors = cache.get(encoder);
  if (!vectors) {
    vectors = new Map();
    cache.set(encoder, vectors);
  }
  const known = vectors;
  return {
    name: encoder.name,
    dimensions: encoder.dimensions,
    embed(text) {
      let v = known.get(text);
      if (!v) {
        v = encoder.embed(text);
        // A failed embedding is not remembered: the next run tries again.
        v.catch(() => known.delete(text));
        if (known.size < CACHE_LIMIT) known.set(text, v);
      }
      return v;
    },
    close: () => encoder.close(),
  };
}
