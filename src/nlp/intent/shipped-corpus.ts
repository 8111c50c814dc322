import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INTENTS } from '../../core/ports/classifier.js';
import type { LabelledText, TrainOptions } from '../learner/trainer.js';

/** The corpus the shipped intent model is trained from (src/nlp/corpus), and its training options. */
export interface CorpusLine extends LabelledText {
  lang: 'en' | 'zh';
}

export const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url));

/** Options of the shipped model; the retraining job trains candidates the same way. */
export const DEFAULT_MODEL_OPTIONS: TrainOptions = { name: 'parley-intent', classWeights: 'balanced' };

function readJsonl(file: string, lang: 'en' | 'zh' | null): CorpusLine[] {
  const intents: ReadonlySet<string> = new Set(INTENTS);
  const out: CorpusLine[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const row = JSON.parse(line) as { text?: unknown; intent?: unknown; lang?: unknown };
      const l = lang ?? row.lang;
      if (
        typeof row.text !== 'string' ||
        typeof row.intent !== 'string' ||
        !intents.has(row.intent) ||
        (l !== 'en' && l !== 'zh')
      ) {
        throw new Error(`${file}:${i + 1}: expected {"text": string, "intent": one of ${INTENTS.join('|')}}`);
      }
      out.push({ text: row.text, label: row.intent, lang: l });
    });
  return out;
}

/** Training corpus: src/nlp/corpus/{en,zh}.jsonl. */
export function readCorpus(): CorpusLine[] {
  const out: CorpusLine[] = [];
  for (const lang of ['en', 'zh'] as const) {
    const file = `${CORPUS_DIR}${lang}.jsonl`;
    if (!existsSync(file)) throw new Error(`corpus file missing: ${file}`);
    out.push(...readJsonl(file, lang));
  }
  return out;
}

/** holdout.jsonl: written separately, never trained on (empty when absent). */
export function readHoldout(): CorpusLine[] {
  const file = `${CORPUS_DIR}holdout.jsonl`;
  return existsSync(file) ? readJsonl(file, null) : [];
}
