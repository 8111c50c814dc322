/**
 * Trains the shipped intent model from src/nlp/corpus/{en,zh}.jsonl into
 * src/nlp/model/default-model.json and prints held-out metrics.
 *
 * 1. A fixed-seed 20 % stratified (language x intent) hold-out of the corpus is scored by a
 *    model trained on the other 80 %.
 * 2. If the shared datasets are present, complaint vs non-complaint is also measured on real
 *    messages the model never saw (complaints-en tweets; reviews-zh, negative review as
 *    complaint, sampled): evaluation only, they are never used to train or tune this model.
 * 3. The shipped model is then trained on the whole corpus (en + zh), and scored on
 *    src/nlp/corpus/holdout.jsonl when present: messages written separately, never trained on.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INTENTS } from '../../src/core/ports/classifier.js';
import { accuracy, macroF1, perLabelScores } from '../../src/nlp/metrics.js';
import { mulberry32, shuffleInPlace } from '../../src/nlp/random.js';
import { stratifiedSplit } from '../../src/nlp/split.js';
import type { TextClassifier } from '../../src/nlp/text-classifier.js';
import { type LabelledText, type TrainOptions, trainTextClassifier } from '../../src/nlp/trainer.js';
import { COMPLAINT, NOT_COMPLAINT, readComplaints } from './formats.js';
import { datasetsDir, REPO_ROOT } from './paths.js';

interface CorpusLine extends LabelledText {
  lang: 'en' | 'zh';
}

const CORPUS_DIR = join(REPO_ROOT, 'src/nlp/corpus');
const OUT = join(REPO_ROOT, 'src/nlp/model/default-model.json');
const SEED = 7;
export const DEFAULT_MODEL_OPTIONS: TrainOptions = { name: 'parley-intent', classWeights: 'balanced' };

function readCorpus(): CorpusLine[] {
  const out: CorpusLine[] = [];
  const intents: ReadonlySet<string> = new Set(INTENTS);
  for (const lang of ['en', 'zh'] as const) {
    const file = join(CORPUS_DIR, `${lang}.jsonl`);
    if (!existsSync(file)) throw new Error(`corpus file missing: ${file}`);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        const row = JSON.parse(line) as { text?: unknown; intent?: unknown };
        if (typeof row.text !== 'string' || typeof row.intent !== 'string' || !intents.has(row.intent)) {
          throw new Error(
            `${file}:${i + 1}: expected {"text": string, "intent": one of ${INTENTS.join('|')}}`,
          );
        }
        out.push({ text: row.text, label: row.intent, lang });
      });
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}`;

function complaintF1(model: TextClassifier, data: readonly LabelledText[]): number {
  const gold = data.map((e) => e.label);
  const pred = data.map((e) => (model.predict(e.text).label === 'complaint' ? COMPLAINT : NOT_COMPLAINT));
  return macroF1(gold, pred);
}

function main(): void {
  const corpus = readCorpus();
  console.log(`corpus: ${corpus.length} messages (${corpus.filter((c) => c.lang === 'en').length} en)`);
  const { train, holdout } = stratifiedSplit(corpus, (c) => `${c.lang}/${c.label}`, 0.2, SEED);
  const probe = trainTextClassifier(train, DEFAULT_MODEL_OPTIONS);
  const metrics: Record<string, number> = {};
  for (const lang of ['en', 'zh', 'all'] as const) {
    const part = holdout.filter((c) => lang === 'all' || c.lang === lang);
    const gold = part.map((c) => c.label);
    const pred = part.map((c) => probe.predict(c.text).label);
    const binGold = gold.map((g) => (g === 'complaint' ? 1 : 0).toString());
    const binPred = pred.map((p) => (p === 'complaint' ? 1 : 0).toString());
    metrics[`${lang}_accuracy`] = accuracy(gold, pred);
    metrics[`${lang}_macro_f1`] = macroF1(gold, pred);
    metrics[`${lang}_complaint_macro_f1`] = macroF1(binGold, binPred);
    console.log(
      `held-out ${lang}: n=${part.length} accuracy ${pct(accuracy(gold, pred))} macro-F1 ${pct(macroF1(gold, pred))}` +
        ` complaint-vs-rest macro-F1 ${pct(macroF1(binGold, binPred))}`,
    );
    if (lang === 'all') {
      for (const [label, s] of perLabelScores(gold, pred)) {
        console.log(
          `  ${label.padEnd(14)} P ${pct(s.precision)} R ${pct(s.recall)} F1 ${pct(s.f1)} n=${s.support}`,
        );
      }
    }
  }

  const shared = datasetsDir();
  const enFile = join(shared, 'complaints-en/train.csv');
  if (existsSync(enFile)) {
    const f1 = complaintF1(probe, readComplaints(enFile));
    metrics.external_complaints_en_macro_f1 = f1;
    console.log(`external (never trained on) complaints-en: complaint-vs-rest macro-F1 ${pct(f1)}`);
  }
  const zhFile = join(shared, 'reviews-zh/train.csv');
  if (existsSync(zhFile)) {
    const sample = shuffleInPlace(readComplaints(zhFile), mulberry32(SEED)).slice(0, 3000);
    const f1 = complaintF1(probe, sample);
    metrics.external_reviews_zh_macro_f1 = f1;
    console.log(
      `external (never trained on) reviews-zh sample of 3000: complaint-vs-rest macro-F1 ${pct(f1)}`,
    );
  }

  const model = trainTextClassifier(corpus, {
    ...DEFAULT_MODEL_OPTIONS,
    meta: Object.fromEntries(
      Object.entries(metrics).map(([k, v]) => [`heldout_${k}`, Math.round(v * 1e4) / 1e4]),
    ),
  });
  const holdoutFile = join(CORPUS_DIR, 'holdout.jsonl');
  if (existsSync(holdoutFile)) {
    const rows = readFileSync(holdoutFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; intent: string; lang?: string });
    for (const lang of ['en', 'zh', 'all']) {
      const part = rows.filter((r) => lang === 'all' || r.lang === lang);
      const gold = part.map((r) => r.intent);
      const pred = part.map((r) => model.predict(r.text).label);
      const bin = (xs: string[]) => xs.map((x) => (x === 'complaint' ? COMPLAINT : NOT_COMPLAINT));
      console.log(
        `holdout.jsonl ${lang}: n=${part.length} accuracy ${pct(accuracy(gold, pred))} macro-F1 ${pct(macroF1(gold, pred))}` +
          ` complaint-vs-rest macro-F1 ${pct(macroF1(bin(gold), bin(pred)))}`,
      );
      if (lang === 'all') {
        for (const [label, s] of perLabelScores(gold, pred)) {
          console.log(
            `  ${label.padEnd(14)} P ${pct(s.precision)} R ${pct(s.recall)} F1 ${pct(s.f1)} n=${s.support}`,
          );
        }
      }
    }
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(model.toJSON())}\n`);
  console.log(`wrote ${OUT} (${model.version}, ${model.vocabulary.size} features)`);
}

main();
