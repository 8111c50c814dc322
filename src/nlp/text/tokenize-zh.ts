import { normalizeText } from './normalize.js';
import { scriptRuns } from './script-runs.js';

/**
 * Chinese has no spaces. Two views, both used by the feature extractor (see bench/nlp/README.md
 * for the measurement that picked them): ICU's dictionary word segmentation and
 * overlapping character n-grams, which need no dictionary and survive typos and new words.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** ICU word segmentation of a run of Han characters. */
export function segmentZhWords(hanRun: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(hanRun)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/** Overlapping character n-grams of a string, n from minN to maxN. */
export function charNgrams(run: string, minN: number, maxN: number): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  }
  return out;
}

/** Chinese words of a whole message (Han runs segmented; Latin words kept as they are). */
export function chineseTokens(text: string): string[] {
  const out: string[] = [];
  for (const seg of scriptRuns(normalizeText(text))) {
    if (seg.kind === 'han') out.push(...segmentZhWords(seg.text));
    else if (seg.kind === 'word') out.push(seg.text);
  }
  return out;
}
