/**
 * Contamination check: corpus lines close to a message of the shared benchmark sets
 * (complaints-en tweets, reviews-zh reviews) could be copies or paraphrases. The corpus must
 * hold none (the shared sets are evaluation only, and the shipped-model estimate is honest
 * only without them). Used by scripts/nlp/corpus-overlap.ts and train-default.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readComplaints } from './formats.js';
import { datasetsDir } from './paths.js';

/**
 * Fewest shared shingles that can make a copy: 4 word 3-grams (6+ words in a row) or 4 Han
 * 5-grams (8+ characters in a row). Stock phrases ("还会再来光顾", "thank you so much") are
 * shorter and are everywhere in 65k messages.
 */
const MIN_SHARED = 4;

/**
 * Shingles of the message's content: Han character 5-grams ("h:...") and Latin word 3-grams
 * ("w:..."), with handles, links and digits removed.
 */
function grams(text: string): Set<string> {
  const t = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@\w+/g, ' ')
    .replace(/\d+/g, ' ');
  const han = t.match(/\p{Script=Han}/gu)?.join('') ?? '';
  const words = (t.match(/[a-z]+/g) ?? []).join(' ').replace(/'/g, '').split(' ');
  const out = new Set<string>();
  for (let i = 0; i + 5 <= han.length; i++) out.add(`h:${han.slice(i, i + 5)}`);
  for (let i = 0; i + 3 <= words.length; i++) out.add(`w:${words.slice(i, i + 3).join(' ')}`);
  return out;
}

interface Indexed {
  text: string;
  grams: Set<string>;
}

function buildIndex(texts: readonly string[]): { items: Indexed[]; byGram: Map<string, number[]> } {
  const items = texts.map((text) => ({ text, grams: grams(text) }));
  const byGram = new Map<string, number[]>();
  items.forEach((it, i) => {
    for (const g of it.grams) {
      const list = byGram.get(g);
      if (list) list.push(i);
      else byGram.set(g, [i]);
    }
  });
  return { items, byGram };
}

function closest(line: Set<string>, idx: ReturnType<typeof buildIndex>): { score: number; text: string } {
  if (line.size < MIN_SHARED) return { score: 0, text: '' };
  const shared = new Map<number, number>();
  for (const g of line) {
    const list = idx.byGram.get(g);
    if (!list) continue;
    for (const i of list) shared.set(i, (shared.get(i) ?? 0) + 1);
  }
  let best = { score: 0, text: '' };
  for (const [i, n] of shared) {
    if (n < MIN_SHARED) continue;
    const score = n / line.size;
    if (score > best.score) best = { score, text: idx.items[i]!.text };
  }
  return best;
}

/**
 * Similarity at or above which a line counts as a possible copy: English 0.3 (a third of its
 * word 3-grams in one tweet), Chinese 0.6 (review phrasing is formulaic: "质量不错，下次还会光顾"
 * is in hundreds of reviews without anyone copying it).
 */
export function overlapThreshold(text: string): number {
  return /\p{Script=Han}/u.test(text) ? 0.6 : 0.3;
}

export interface Overlap {
  text: string;
  score: number;
  closest: string;
}

export type OverlapChecker = (text: string) => Overlap | null;

/** A checker against the given benchmark messages. */
export function overlapChecker(benchmark: readonly string[], scale = 1): OverlapChecker {
  const idx = buildIndex(benchmark);
  return (text) => {
    const c = closest(grams(text), idx);
    return c.score >= overlapThreshold(text) * scale ? { text, score: c.score, closest: c.text } : null;
  };
}

/** A checker against the benchmark sets found in datasetsDir(), or null when none are there. */
export function benchmarkOverlapChecker(scale = 1): OverlapChecker | null {
  const dir = datasetsDir();
  const bench: string[] = [];
  for (const f of ['complaints-en/train.csv', 'reviews-zh/train.csv']) {
    const path = join(dir, f);
    if (existsSync(path)) bench.push(...readComplaints(path).map((e) => e.text));
  }
  return bench.length > 0 ? overlapChecker(bench, scale) : null;
}
