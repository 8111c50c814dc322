import { chineseHits, englishHits, type SentimentHit } from '../cues/sentiment.js';
import { matchCues, URGENCY_CUES } from '../cues/urgency.js';
import { normalizeText } from '../text/normalize.js';
import { scriptRuns } from '../text/script-runs.js';
import { stem } from '../text/stem.js';
import { segmentZhWords } from '../text/tokenize-zh.js';
import type { ZhDictionary } from '../text/zh-dictionary.js';
import { combineHash, FNV_OFFSET, fnvStep, hashString } from './hash.js';

/**
 * Which features a message is turned into. Every feature is a 32-bit hash (namespaced by seed),
 * so extraction never builds n-gram strings; the vocabulary then keeps only hashes seen in
 * training.
 */
export interface FeatureConfig {
  /** Word n-grams over stemmed English words, ICU Chinese words and !/?/emoji marks: 1..n. */
  wordNgrams: number;
  /** Character n-grams inside each Latin word with boundary marks (typo tolerant); null = off. */
  charNgrams: readonly [number, number] | null;
  /** Character n-grams inside each Han run; null = off. */
  zhCharNgrams: readonly [number, number] | null;
  /**
   * Segment Han runs into words and add them to the word stream: by maximum matching against
   * the model's ZhDictionary (ICU words of its training messages), or with Intl.Segmenter.
   */
  zhWords: boolean;
  /**
   * Lexicon cue features: sentiment polarity of AFINN / Chinese-lexicon hits and urgency cue
   * ids. They generalise to words never seen in training ("appalling" is negative anyway).
   */
  lexicon: boolean;
  /**
   * Weight of each feature block (words, characters, lexicon): every block is L2-normalised on
   * its own and scaled, so 300 character n-grams cannot drown five word or cue features.
   */
  blockWeights: readonly [number, number, number];
}

/** Feature blocks, stored in the low two bits of each hash. */
export const BLOCK_WORD = 0;
export const BLOCK_CHAR = 1;
export const BLOCK_LEXICON = 2;

export const DEFAULT_FEATURES: FeatureConfig = {
  wordNgrams: 2,
  charNgrams: [3, 5],
  zhCharNgrams: [1, 3],
  zhWords: true,
  lexicon: true,
  blockWeights: [1, 1, 0.5],
};

/** Seed of word features; a ZhDictionary for this hasher must hash its words with it. */
export const WORD_SEED = hashString('w');
const CHAR_SEED = hashString('c');
const HAN_SEED = hashString('h');
const LEX_SEED = hashString('x');
const BOUNDARY = 0x20;
const LEX_NEG = hashString('neg', LEX_SEED);
const LEX_NEG_STRONG = hashString('neg!', LEX_SEED);
const LEX_POS = hashString('pos', LEX_SEED);
const LEX_POS_STRONG = hashString('pos!', LEX_SEED);
const URGENCY_IDS = URGENCY_CUES.map((c) => hashString(c.id, LEX_SEED));

export class FeatureHasher {
  private buf = new Int32Array(512);
  private n = 0;
  private words: number[] = [];
  private codes = new Uint16Array(64);

  /**
   * With a dictionary (see text/zh-dictionary.ts) Han runs are cut by maximum matching against it;
   * without one (models saved before it) by Intl.Segmenter.
   */
  constructor(
    readonly config: FeatureConfig,
    readonly zhDictionary: ZhDictionary | null = null,
  ) {}

  /**
   * Sorted feature hashes of a message, duplicates kept (their count is the term frequency).
   * The result is a view into an internal buffer, valid until the next call: copy to keep it.
   */
  hash(text: string): Int32Array {
    const cfg = this.config;
    this.n = 0;
    const words = this.words;
    words.length = 0;
    const norm = normalizeText(text);
    const raw: string[] = [];
    for (const seg of scriptRuns(norm)) {
      if (seg.kind === 'word') {
        if (cfg.lexicon) raw.push(seg.text);
        words.push(hashString(stem(seg.text), WORD_SEED));
        if (cfg.charNgrams) this.charGrams(seg.text, cfg.charNgrams[0], cfg.charNgrams[1], true, CHAR_SEED);
      } else if (seg.kind === 'han') {
        if (cfg.zhWords) {
          if (this.zhDictionary) this.zhDictionary.segmentInto(seg.text, words);
          else for (const w of segmentZhWords(seg.text)) words.push(hashString(w, WORD_SEED));
        }
        if (cfg.lexicon) this.lexiconHits(chineseHits(seg.text));
        if (cfg.zhCharNgrams) {
          this.charGrams(seg.text, cfg.zhCharNgrams[0], cfg.zhCharNgrams[1], false, HAN_SEED);
        }
      } else {
        words.push(hashString(seg.text, WORD_SEED));
      }
    }
    if (cfg.lexicon) {
      this.lexiconHits(englishHits(raw));
      for (const i of matchCues(norm)) this.push(tag(URGENCY_IDS[i]!, BLOCK_LEXICON));
    }
    for (let i = 0; i < words.length; i++) {
      let h = words[i]!;
      this.push(tag(h, BLOCK_WORD));
      for (let n = 2; n <= cfg.wordNgrams && i + n <= words.length; n++) {
        h = combineHash(h, words[i + n - 1]!);
        this.push(tag(h, BLOCK_WORD));
      }
    }
    const out = this.buf.subarray(0, this.n);
    out.sort();
    return out;
  }

  private lexiconHits(hits: readonly SentimentHit[]): void {
    for (const { score } of hits) {
      if (score <= -3) this.push(tag(LEX_NEG_STRONG, BLOCK_LEXICON));
      if (score < 0) this.push(tag(LEX_NEG, BLOCK_LEXICON));
      else if (score > 0) this.push(tag(LEX_POS, BLOCK_LEXICON));
      if (score >= 3) this.push(tag(LEX_POS_STRONG, BLOCK_LEXICON));
    }
  }

  private charGrams(s: string, minN: number, maxN: number, boundaries: boolean, seed: number): void {
    let len = 0;
    if (this.codes.length < s.length + 2) this.codes = new Uint16Array(s.length * 2 + 2);
    const codes = this.codes;
    if (boundaries) codes[len++] = BOUNDARY;
    for (let i = 0; i < s.length; i++) codes[len++] = s.charCodeAt(i);
    if (boundaries) codes[len++] = BOUNDARY;
    for (let i = 0; i < len; i++) {
      let h = seed ^ FNV_OFFSET;
      const end = Math.min(len, i + maxN);
      for (let j = i; j < end; j++) {
        h = fnvStep(h, codes[j]!);
        if (j - i + 1 >= minN) this.push(tag(h, BLOCK_CHAR));
      }
    }
  }

  private push(h: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = h;
  }
}

function tag(h: number, block: number): number {
  return (h & ~3) | block;
}
