import { englishTokens } from '../text/tokenize-en.js';
import { charNgrams, segmentZhWords } from '../text/tokenize-zh.js';

export interface FaqEntry {
  id: string;
  language: 'en' | 'zh';
  title: string;
  variants: readonly string[];
}

export interface FaqMatch {
  id: string;
  /** Cosine similarity of TF-IDF vectors, 0..1, against the best-matching variant. */
  score: number;
}

type Vector = Map<string, number>;

// Function words carry no topic: with a small knowledge base, IDF alone cannot tell, so "how" or
// "怎么" would otherwise make any two questions look alike.
const STOP_EN = new Set(
  'a an the i me my you your we our us it its is are was be do does did can could would will shall should may to of in on at for from by with and or not no yes hi hello please thank thanks how what when where why which who there this that these those have has had get any some'.split(
    ' ',
  ),
);
const STOP_ZH =
  /[吗呢吧啊呀的了是我你您们他她它这那个有在能要想还就都也和跟与请问一下么什怎样可以以吧哦嗯亲]/gu;

/** Terms for retrieval: stemmed English content words; Chinese content words and character bigrams. */
function terms(text: string): string[] {
  const en = englishTokens(text, { stem: false })
    .filter((w) => !STOP_EN.has(w))
    .flatMap((w) => englishTokens(w, { stem: true }));
  const zh: string[] = [];
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const words = segmentZhWords(run).filter((w) => w.replace(STOP_ZH, '').length > 0);
    const content = run.replace(STOP_ZH, ' ');
    zh.push(
      ...words,
      ...content.split(' ').flatMap((part) => (part.length === 1 ? [part] : charNgrams(part, 2, 2))),
    );
  }
  return [...en, ...zh];
}

/**
 * Retrieval over the knowledge base's question variants: TF-IDF with sublinear tf, cosine
 * similarity, one index per language. Small (hundreds of articles), rebuilt whenever an article
 * changes; a query costs well under a millisecond.
 */
export class FaqIndex {
  private readonly idf = new Map<string, number>();
  private readonly docs: { id: string; language: string; vector: Vector }[] = [];

  constructor(entries: readonly FaqEntry[]) {
    const raw: { id: string; language: string; terms: string[] }[] = [];
    for (const e of entries) {
      for (const text of [e.title, ...e.variants]) {
        const t = terms(text);
        if (t.length) raw.push({ id: e.id, language: e.language, terms: t });
      }
    }
    const df = new Map<string, number>();
    for (const d of raw) for (const t of new Set(d.terms)) df.set(t, (df.get(t) ?? 0) + 1);
    const n = raw.length;
    for (const [t, f] of df) this.idf.set(t, Math.log((1 + n) / (1 + f)) + 1);
    for (const d of raw) this.docs.push({ id: d.id, language: d.language, vector: this.vectorize(d.terms) });
  }

  get size(): number {
    return this.docs.length;
  }

  private vectorize(list: readonly string[]): Vector {
    const tf = new Map<string, number>();
    for (const t of list) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v: Vector = new Map();
    let norm = 0;
    for (const [t, f] of tf) {
      const w = (1 + Math.log(f)) * (this.idf.get(t) ?? 0);
      if (w > 0) {
        v.set(t, w);
        norm += w * w;
      }
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  }

  /** The best article in the language, or null when nothing shares a word with the query. */
  search(text: string, language: 'en' | 'zh'): FaqMatch | null {
    const q = this.vectorize(terms(text));
    if (q.size === 0) return null;
    let best: FaqMatch | null = null;
    for (const d of this.docs) {
      if (d.language !== language) continue;
      let dot = 0;
      for (const [t, w] of q) dot += w * (d.vector.get(t) ?? 0);
      if (dot > 0 && (!best || dot > best.score)) best = { id: d.id, score: dot };
    }
    return best;
  }
}
