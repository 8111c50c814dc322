import SentimentAnalyzer from 'natural/lib/natural/sentiment/SentimentAnalyzer.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { normalizeText } from '../text/normalize.js';
import { scriptRuns } from '../text/script-runs.js';
import { ZH_INTENSIFIERS, ZH_NEGATORS, ZH_SENTIMENT } from './zh-lexicon.js';

/**
 * Message sentiment in -1..1. English words are scored by natural's AFINN analyzer (one word
 * at a time, so negation can be scoped to the next few words instead of natural's "rest of the
 * message"); Chinese by our own lexicon with negators and degree adverbs.
 */
const afinn = new SentimentAnalyzer('English', PorterStemmer, 'afinn');

// Apostrophes are stripped by normalisation, so "don't" arrives as "dont".
const EN_NEGATORS = new Set([
  'not',
  'no',
  'never',
  'neither',
  'nor',
  'dont',
  'doesnt',
  'didnt',
  'cant',
  'cannot',
  'couldnt',
  'wont',
  'wouldnt',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'havent',
  'hasnt',
  'hadnt',
  'shouldnt',
  'aint',
]);
const EN_INTENSIFIERS = new Map([
  ['very', 1.5],
  ['so', 1.3],
  ['really', 1.4],
  ['extremely', 1.8],
  ['totally', 1.5],
  ['absolutely', 1.6],
  ['completely', 1.5],
  ['super', 1.4],
  ['too', 1.2],
  ['most', 1.3],
]);
const NEGATION_SCOPE = 3;

const wordCache = new Map<string, number>();

/** AFINN score of one (normalised, unstemmed) English word, 0 when unknown. */
export function englishWordScore(word: string): number {
  let s = wordCache.get(word);
  if (s === undefined) {
    s = afinn.getSentiment([word]);
    if (wordCache.size > 50_000) wordCache.clear();
    wordCache.set(word, s);
  }
  return s;
}

export interface SentimentHit {
  word: string;
  /** Signed score after negation and intensifiers. */
  score: number;
}

/**
 * Negations that praise: "never had such good service", "couldn't have been more helpful",
 * "can't be happier". After "never", a following such/so/this; after "could not / can't", a
 * following comparative: the negation then strengthens instead of flipping (as in VADER's
 * "never so" rule), so "couldn't be worse" stays negative. "could not have been less helpful"
 * flips the word after "less". "not so good" still flips.
 */
const NEVER_THEN = new Set(['such', 'so', 'this']);
const MODAL_NEGATORS = new Set(['couldnt', 'cant', 'cannot']);
const COMPARATIVES = new Set([
  'more',
  'better',
  'worse',
  'happier',
  'nicer',
  'easier',
  'faster',
  'smoother',
  'quicker',
  'ruder',
  'slower',
]);

/** English sentiment-bearing words of normalised word tokens, with scoped negation. */
export function englishHits(words: readonly string[]): SentimentHit[] {
  const hits: SentimentHit[] = [];
  let negatedUntil = -1;
  let negator: 'never' | 'modal' | 'plain' = 'plain';
  let boost = 1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (EN_NEGATORS.has(w)) {
      negatedUntil = i + NEGATION_SCOPE;
      const prev = words[i - 1];
      negator =
        w === 'never'
          ? 'never'
          : MODAL_NEGATORS.has(w) || (w === 'not' && (prev === 'could' || prev === 'can'))
            ? 'modal'
            : 'plain';
      continue;
    }
    if (i <= negatedUntil && negator === 'modal' && w === 'less') {
      negatedUntil = i + 1;
      negator = 'plain';
      continue;
    }
    if (
      i <= negatedUntil &&
      ((negator === 'never' && NEVER_THEN.has(w)) || (negator === 'modal' && COMPARATIVES.has(w)))
    ) {
      negatedUntil = -1;
      boost = 1.3;
      if (englishWordScore(w) === 0) continue;
    }
    const intensity = EN_INTENSIFIERS.get(w);
    if (intensity !== undefined) {
      boost = intensity;
      continue;
    }
    const s = englishWordScore(w);
    if (s !== 0) hits.push({ word: w, score: s * boost * (i <= negatedUntil ? -0.8 : 1) });
    boost = 1;
  }
  return hits;
}

const ZH_MAX_WORD = Math.max(...[...ZH_SENTIMENT.keys(), ...ZH_INTENSIFIERS.keys()].map((w) => w.length));
/** First characters of every lexicon entry: most positions of a review start none of them. */
const ZH_FIRST_CHARS: ReadonlySet<number> = new Set(
  [...ZH_SENTIMENT.keys(), ...ZH_INTENSIFIERS.keys(), ...ZH_NEGATORS].map((w) => w.charCodeAt(0)),
);

/** Chinese sentiment words in a Han run: greedy longest match, negator/intensifier lookbehind. */
export function chineseHits(run: string): SentimentHit[] {
  const hits: SentimentHit[] = [];
  let negateAt = -10;
  let boost = 1;
  let boostAt = -10;
  for (let i = 0; i < run.length; ) {
    if (!ZH_FIRST_CHARS.has(run.charCodeAt(i))) {
      i++;
      continue;
    }
    let matched = 0;
    for (let len = Math.min(ZH_MAX_WORD, run.length - i); len >= 1; len--) {
      const w = run.slice(i, i + len);
      const s = ZH_SENTIMENT.get(w);
      if (s !== undefined) {
        // A negator right before (e.g. "不" + "满意" when only "满意" matched) flips it.
        const neg = i - negateAt <= 2 ? -0.8 : 1;
        const b = i - boostAt <= 2 ? boost : 1;
        hits.push({ word: w, score: s * neg * b });
        matched = len;
        break;
      }
      const k = ZH_INTENSIFIERS.get(w);
      if (k !== undefined) {
        boost = k;
        boostAt = i + len;
        matched = len;
        break;
      }
      if (ZH_NEGATORS.includes(w)) {
        negateAt = i + len;
        matched = len;
        break;
      }
    }
    i += matched || 1;
  }
  return hits;
}

/** All sentiment hits of a raw message, both languages. */
export function sentimentHits(text: string): SentimentHit[] {
  const words: string[] = [];
  const hits: SentimentHit[] = [];
  for (const seg of scriptRuns(normalizeText(text))) {
    if (seg.kind === 'word') words.push(seg.text);
    else if (seg.kind === 'han') hits.push(...chineseHits(seg.text));
  }
  hits.push(...englishHits(words));
  return hits;
}

/** -1..1: the summed lexicon score squashed; 4 points (one clearly negative word) ~ -0.76. */
export function sentimentScore(text: string): number {
  let sum = 0;
  for (const h of sentimentHits(text)) sum += h.score;
  return Math.tanh(sum / 4);
}
