/**
 * Feature vocabulary with IDF weights: maps hashed features seen in training to dense column
 * indices and turns a message's sorted hashes into an L2-normalised sublinear-tf x idf vector.
 */
import { HashIndex } from './hash-index.js';

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export class Vocabulary {
  private readonly index: HashIndex;
  private idxBuf = new Int32Array(256);
  private valBuf = new Float64Array(256);
  private readonly blockNorms = new Float64Array(4);
  private readonly blockScale = new Float64Array(4);

  constructor(
    /** Feature hashes, column order. */
    readonly hashes: Int32Array,
    readonly idf: Float32Array,
  ) {
    this.index = new HashIndex(hashes, 'feature hash in vocabulary');
  }

  /** Column of a feature hash, or -1 when the feature was not seen in training. */
  column(h: number): number {
    return this.index.get(h);
  }

  get size(): number {
    return this.hashes.length;
  }

  /** Builds the vocabulary from sorted per-document hash lists; rare features (df < minDf) dropped. */
  static fit(docs: readonly Int32Array[], minDf: number): Vocabulary {
    const df = new Map<number, number>();
    for (const doc of docs) {
      for (let i = 0; i < doc.length; i++) {
        const h = doc[i]!;
        if (i > 0 && doc[i - 1] === h) continue;
        df.set(h, (df.get(h) ?? 0) + 1);
      }
    }
    const kept = [...df].filter(([, n]) => n >= minDf).sort((a, b) => a[0] - b[0]);
    const hashes = new Int32Array(kept.length);
    const idf = new Float32Array(kept.length);
    const n = docs.length;
    kept.forEach(([h, d], i) => {
      hashes[i] = h;
      // Smoothed idf, as in scikit-learn: never zero, so ubiquitous features still count a bit.
      idf[i] = Math.log((1 + n) / (1 + d)) + 1;
    });
    return new Vocabulary(hashes, idf);
  }

  /** Sorted hashes (duplicates = term frequency) -> normalised sparse vector. */
  vectorize(sortedHashes: Int32Array, blockWeights?: readonly number[]): SparseVector {
    const n = this.vectorizeInto(sortedHashes, blockWeights);
    return { indices: this.idxBuf.slice(0, n), values: Float32Array.from(this.valBuf.subarray(0, n)) };
  }

  /**
   * Allocation-free variant for the classify path: fills internal buffers and returns the
   * number of entries; read them with `lastIndices` / `lastValues` before the next call.
   */
  vectorizeInto(sortedHashes: Int32Array, blockWeights?: readonly number[]): number {
    if (this.idxBuf.length < sortedHashes.length) {
      this.idxBuf = new Int32Array(sortedHashes.length * 2);
      this.valBuf = new Float64Array(sortedHashes.length * 2);
    }
    const idxs = this.idxBuf;
    const vals = this.valBuf;
    const idf = this.idf;
    let n = 0;
    const norms = this.blockNorms.fill(0);
    for (let i = 0; i < sortedHashes.length; ) {
      const h = sortedHashes[i]!;
      let j = i + 1;
      while (j < sortedHashes.length && sortedHashes[j] === h) j++;
      const col = this.column(h);
      if (col >= 0) {
        // Sublinear tf: a word said three times is not three times the evidence.
        const v = (j - i === 1 ? 1 : 1 + Math.log(j - i)) * idf[col]!;
        idxs[n] = col;
        vals[n] = v;
        n++;
        norms[h & 3] = norms[h & 3]! + v * v;
      }
      i = j;
    }
    // Each block (low two hash bits) is normalised and weighted, then the whole vector is
    // scaled to unit length, so the SVM sees inputs of the same size.
    const scale = this.blockScale;
    let total = 0;
    for (let b = 0; b < 4; b++) {
      const w = blockWeights ? (blockWeights[b] ?? 1) : 1;
      scale[b] = norms[b]! > 0 ? w / Math.sqrt(norms[b]!) : 0;
      if (!blockWeights) scale[b] = 1;
      total += blockWeights ? (norms[b]! > 0 ? w * w : 0) : norms[b]!;
    }
    if (total > 0) {
      const inv = 1 / Math.sqrt(total);
      for (let i = 0; i < n; i++) vals[i] = vals[i]! * scale[this.hashes[idxs[i]!]! & 3]! * inv;
    }
    return n;
  }

  get lastIndices(): Int32Array {
    return this.idxBuf;
  }

  get lastValues(): Float64Array {
    return this.valBuf;
  }
}
