/**
 * The shipped corpus (src/nlp/corpus) and the "unseen real messages" estimate of the shipped
 * model's complaint-vs-rest quality. Shared by train-default.ts, eval-shipped.ts and the bench.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageClassifier } from '../../src/core/ports/classifier.js';
import {
  closeEncoders,
  createIntentClassifier,
  type EmbeddingHead,
  hashString,
  type LabelledText,
  loadDefaultEncoders,
  macroF1,
  mulberry32,
  pairHeads,
  perLabelScores,
  readHoldout,
  type SentenceEncoder,
  shuffleInPlace,
  type TextClassifier,
} from '../../src/nlp/index.js';
import { COMPLAINT, NOT_COMPLAINT, readComplaints } from './formats.js';
import { datasetsDir, REPO_ROOT } from './paths.js';

export {
  CORPUS_DIR,
  type CorpusLine,
  DEFAULT_MODEL_OPTIONS,
  readCorpus,
  readHoldout,
} from '../../src/nlp/index.js';

export const DEFAULT_MODEL_PATH = join(REPO_ROOT, 'src/nlp/model/default-model.json');
export const MODEL_DIR = join(REPO_ROOT, 'src/nlp/model');

/** reviews-zh sample size and seed for the unseen-messages estimate. */
export const ZH_UNSEEN_SAMPLE = 5000;
const ZH_UNSEEN_SEED = 7;

export interface UnseenRow {
  name: string;
  examples: number;
  /** Macro-F1 of complaint vs rest (the classifier's kind complaint). */
  macro_f1: number;
  /** 95 % bootstrap interval of macro_f1 (1,000 resamples of the messages, fixed seed). */
  macro_f1_ci95: [number, number];
  complaint_precision: number;
  complaint_recall: number;
  /** Mean calibrated confidence of the predicted intent. */
  mean_confidence: number;
  /** Product classifications per second, one at a time (sentence encoder included if on). */
  per_second: number;
  p99_ms: number;
}

/** Percentile bootstrap of macro-F1: how much the figure could move on another sample. */
function bootstrapInterval(gold: readonly string[], pred: readonly string[]): [number, number] {
  const rand = mulberry32(1234);
  const n = gold.length;
  const scores: number[] = [];
  const g: string[] = new Array(n);
  const p: string[] = new Array(n);
  for (let b = 0; b < 1000; b++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      g[i] = gold[j]!;
      p[i] = pred[j]!;
    }
    scores.push(macroF1(g, p));
  }
  scores.sort((a, b) => a - b);
  return [scores[25] ?? 0, scores[974] ?? 0];
}

async function score(
  name: string,
  classifier: MessageClassifier,
  data: readonly LabelledText[],
  isComplaint: (l: string) => boolean,
): Promise<UnseenRow> {
  // Through the product's classifier, as `npm run nlp:classify` reports it: kind complaint.
  const gold: string[] = [];
  const pred: string[] = [];
  const ms: number[] = [];
  let conf = 0;
  for (const e of data) {
    const t = performance.now();
    const c = await classifier.classify(e.text);
    ms.push(performance.now() - t);
    conf += c.confidence;
    gold.push(isComplaint(e.label) ? COMPLAINT : NOT_COMPLAINT);
    pred.push(c.kind === 'complaint' ? COMPLAINT : NOT_COMPLAINT);
  }
  const c = perLabelScores(gold, pred).get(COMPLAINT);
  const r = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    name,
    examples: data.length,
    macro_f1: r(macroF1(gold, pred)),
    macro_f1_ci95: bootstrapInterval(gold, pred).map(r) as [number, number],
    complaint_precision: r(c?.precision ?? 0),
    complaint_recall: r(c?.recall ?? 0),
    mean_confidence: r(data.length ? conf / data.length : 0),
    per_second: Math.round(
      (1000 * ms.length) /
        Math.max(
          1e-9,
          ms.reduce((a, b) => a + b, 0),
        ),
    ),
    p99_ms: r(ms.sort((a, b) => a - b)[Math.floor(0.99 * (ms.length - 1))] ?? 0),
  };
}

/**
 * complaints-en halves, by a hash of the tweet id. Since session 2 only the "dev" half may be
 * read to decide what to write into the corpus or how to build features; the "report" half is
 * only ever scored, so its figure is the honest estimate for messages nobody has read.
 */
export function complaintsHalf(id: string): 'dev' | 'report' {
  // Hash, not the id's parity: tweet ids' low bits are far from uniform.
  return (hashString(id) & 1) === 0 ? 'dev' : 'report';
}

/**
 * Complaint vs rest of a model trained on the shipped corpus, on messages it never saw:
 * - complaints-en: every tweet of the shared train.csv (label complaint vs our intent complaint),
 *   and its dev and report halves (see complaintsHalf);
 * - reviews-zh: a fixed random sample of 5,000 reviews (negative review vs intent complaint);
 * - holdout.jsonl (en, zh): written separately from the corpus.
 * The shared sets are evaluation only: never used to train or tune the shipped model.
 */
export async function unseenComplaintRows(classifier: MessageClassifier): Promise<UnseenRow[]> {
  const rows: UnseenRow[] = [];
  const shared = datasetsDir();
  const enFile = join(shared, 'complaints-en/train.csv');
  if (existsSync(enFile)) {
    const all = readComplaints(enFile);
    const isComplaint = (l: string) => l === COMPLAINT;
    rows.push(await score('complaints-en (all)', classifier, all, isComplaint));
    for (const half of ['dev', 'report'] as const) {
      const part = all.filter((e) => complaintsHalf(e.id) === half);
      rows.push(await score(`complaints-en ${half} half`, classifier, part, isComplaint));
    }
  }
  const zhFile = join(shared, 'reviews-zh/train.csv');
  if (existsSync(zhFile)) {
    const sample = shuffleInPlace(readComplaints(zhFile), mulberry32(ZH_UNSEEN_SEED)).slice(
      0,
      ZH_UNSEEN_SAMPLE,
    );
    rows.push(
      await score(`reviews-zh (${sample.length} sampled)`, classifier, sample, (l) => l === COMPLAINT),
    );
  }
  const holdout = readHoldout();
  for (const lang of ['en', 'zh'] as const) {
    const part = holdout.filter((h) => h.lang === lang);
    if (part.length)
      rows.push(await score(`holdout.jsonl ${lang}`, classifier, part, (l) => l === 'complaint'));
  }
  return rows;
}

export function printUnseen(rows: readonly UnseenRow[]): void {
  const pct = (x: number) => (x * 100).toFixed(1);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(28)} n=${String(r.examples).padStart(5)} complaint-vs-rest macro-F1 ${pct(r.macro_f1)}` +
        ` [${pct(r.macro_f1_ci95[0])}-${pct(r.macro_f1_ci95[1])}]` +
        ` (complaint P ${pct(r.complaint_precision)} R ${pct(r.complaint_recall)}) mean conf ${r.mean_confidence.toFixed(3)}` +
        ` ${r.per_second}/s p99 ${r.p99_ms.toFixed(2)} ms`,
    );
  }
}

export interface UnseenBothWays {
  ngram: UnseenRow[];
  withEncoder: UnseenRow[];
  encoders: string[];
  /** Time to load the encoders here; null when the caller passed them in. */
  encoderLoadMs: number | null;
}

/**
 * The rows both ways the app can run a model, printed: the n-gram model alone, then with the
 * sentence encoders and `heads` (the default). Loads the default encoders unless given.
 */
export async function printUnseenBothWays(
  model: TextClassifier,
  heads: readonly EmbeddingHead[],
  given?: readonly SentenceEncoder[],
): Promise<UnseenBothWays> {
  console.log('n-gram model alone:');
  const ngram = await unseenComplaintRows(createIntentClassifier(model));
  printUnseen(ngram);
  const t0 = performance.now();
  const encoders = given ?? (await loadDefaultEncoders());
  const encoderLoadMs = given ? null : Math.round(performance.now() - t0);
  console.log(
    `with the sentence encoders${encoderLoadMs === null ? '' : ` (loaded in ${encoderLoadMs} ms)`}, as shipped:`,
  );
  const withEncoder = await unseenComplaintRows(
    createIntentClassifier(model, { ensemble: pairHeads(encoders, heads) }),
  );
  printUnseen(withEncoder);
  if (!given) await closeEncoders(encoders);
  return { ngram, withEncoder, encoders: encoders.map((e) => e.name), encoderLoadMs };
}
