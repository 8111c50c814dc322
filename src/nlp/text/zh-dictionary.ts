import { fnvStep, hashString } from '../features/hash.js';
import { HashIndex } from '../features/hash-index.js';
import { normalizeText } from './normalize.js';
import { scriptRuns } from './script-runs.js';
import { segmentZhWords } from './tokenize-zh.js';

/** Longest dictionary word tried; ICU's longer words are rare and their 4-char parts still match. */
export const ZH_MAX_WORD = 4;

/**
 * Chinese word segmentation at classify time without ICU. Intl.Segmenter took ~70 % of the time
 * to classify a 100-character review (6k/s vs 18k/s without it). A word the model never saw in
 * training has no weight, so only words from the training messages matter: the trainer
 * segments them with ICU once, keeps the multi-character words here (as hashes), and both
 * training and classification then cut Han runs by forward maximum matching against them.
 */
export class ZhDictionary {
  private readonly index: HashIndex;
  private readonly prefix = new Int32Array(ZH_MAX_WORD + 1);

  constructor(
    /** Hashes (hashString(word, seed)) of the multi-character words, sorted. */
    readonly hashes: Int32Array,
    readonly seed: number,
  ) {
    this.index = new HashIndex(hashes, 'word hash in Chinese dictionary');
  }

  get size(): number {
    return this.hashes.length;
  }

  has(h: number): boolean {
    return this.index.get(h) >= 0;
  }

  /** Multi-character ICU words (2..ZH_MAX_WORD chars) of the given messages' Han runs. */
  static fromTexts(texts: Iterable<string>, seed: number): ZhDictionary {
    const set = new Set<number>();
    for (const text of texts) {
      for (const seg of scriptRuns(normalizeText(text))) {
        if (seg.kind !== 'han') continue;
        for (const w of segmentZhWords(seg.text)) {
          if (w.length >= 2 && w.length <= ZH_MAX_WORD) set.add(hashString(w, seed));
        }
      }
    }
    return new ZhDictionary(Int32Array.from([...set].sort((a, b) => a - b)), seed);
  }

  /**
   * Word hashes of one Han run by forward maximum matching: at each position the longest
   * dictionary word, else the single character. Hashes equal hashString(word, seed).
   */
  segmentInto(run: string, out: number[]): void {
    const n = run.length;
    const prefix = this.prefix;
    for (let i = 0; i < n; ) {
      const maxLen = Math.min(ZH_MAX_WORD, n - i);
      let h = this.seed;
      for (let l = 1; l <= maxLen; l++) {
        h = fnvStep(h, run.charCodeAt(i + l - 1));
        prefix[l] = h | 0;
      }
      let len = 1;
      for (let l = maxLen; l >= 2; l--) {
        if (this.has(prefix[l]!)) {
          len = l;
          break;
        }
      }
      out.push(prefix[len]!);
      i += len;
    }
  }
}
