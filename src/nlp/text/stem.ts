import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

/**
 * natural's Porter stemmer behind a bounded cache: the stemmer is a chain of regex passes
 * (~1-3 us/word) and chat vocabulary is small and repetitive, so the cache keeps the
 * classify path fast without growing without bound in a long-running process.
 */
const MAX_CACHE = 50_000;
const cache = new Map<string, string>();

export function stem(word: string): string {
  if (word.length < 3) return word;
  let s = cache.get(word);
  if (s === undefined) {
    // Non-ASCII words (accented Latin, Cyrillic...) are not English: Porter would mangle them.
    s = /^[a-z0-9]+$/.test(word) ? PorterStemmer.stem(word) : word;
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(word, s);
  }
  return s;
}
