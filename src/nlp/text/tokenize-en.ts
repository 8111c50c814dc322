import { normalizeText } from './normalize.js';
import { scriptRuns } from './script-runs.js';
import { stem } from './stem.js';

/** English (and other Latin-script) words of a message, normalised; stemmed unless asked not to. */
export function englishTokens(text: string, options: { stem?: boolean } = {}): string[] {
  const doStem = options.stem ?? true;
  const out: string[] = [];
  for (const seg of scriptRuns(normalizeText(text))) {
    if (seg.kind === 'word') out.push(doStem ? stem(seg.text) : seg.text);
  }
  return out;
}

/** Word n-grams joined by a space, n from 1 to maxN (for inspection and tests; features hash). */
export function wordNgrams(tokens: readonly string[], maxN: number): string[] {
  const out: string[] = [];
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  }
  return out;
}
