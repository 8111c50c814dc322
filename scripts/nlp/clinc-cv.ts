/**
 * Developer tool: chooses clinc150's out-of-scope reject threshold (and compares training options)
 * by k-fold cross-validation on train+oos_train only, then reports the official val split for
 * confirmation. Usage: npx tsx scripts/nlp/clinc-cv.ts '<TrainOptions JSON>' [folds]
 */
import { join } from 'node:path';
import { mulberry32, shuffleInPlace } from '../../src/nlp/random.js';
import type { TextClassifier } from '../../src/nlp/text-classifier.js';
import { type LabelledText, type TrainOptions, trainTextClassifier } from '../../src/nlp/trainer.js';
import { OOS_LABEL, readClinc } from './formats.js';
import { datasetsDir } from './paths.js';
import { trainOptionsFor } from './profiles.js';

interface Scored {
  gold: string;
  top: string;
  p: number;
  /** Raw top score and top-1 minus top-2 raw score. */
  raw: number;
  gap: number;
}

function scoreAll(model: TextClassifier, data: readonly LabelledText[]): Scored[] {
  const bare = model.withReject(null);
  return data.map((e) => {
    const r = bare.predict(e.text);
    const sc = [...bare.scores(e.text)].sort((a, b) => b - a);
    return { gold: e.label, top: r.label, p: r.confidence, raw: sc[0]!, gap: sc[0]! - sc[1]! };
  });
}

function sweep(
  s: readonly Scored[],
  t: number,
  key: 'p' | 'raw' | 'gap' = 'p',
): { inAcc: number; oosR: number } {
  let inN = 0;
  let inOk = 0;
  let oN = 0;
  let oOk = 0;
  for (const x of s) {
    const pred = x.top !== OOS_LABEL && x[key] < t ? OOS_LABEL : x.top;
    if (x.gold === OOS_LABEL) {
      oN++;
      if (pred === OOS_LABEL) oOk++;
    } else {
      inN++;
      if (pred === x.gold) inOk++;
    }
  }
  return { inAcc: inOk / inN, oosR: oOk / oN };
}

const opts = { ...trainOptionsFor('clinc150'), ...(JSON.parse(process.argv[2] ?? '{}') as TrainOptions) };
const folds = Number(process.argv[3] ?? 5);
const file = join(datasetsDir(), 'clinc150/train_val.json');
const all = readClinc(file, 'train');
const THRESHOLDS = [0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5];
const cv: Scored[] = [];
if (folds > 1) {
  // Stratified folds: shuffle within each label, deal round-robin.
  const rand = mulberry32(42);
  const fold = new Int32Array(all.length);
  const byLabel = new Map<string, number[]>();
  all.forEach((e, i) => {
    byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), i]);
  });
  for (const label of [...byLabel.keys()].sort()) {
    shuffleInPlace(byLabel.get(label)!, rand).forEach((i, n) => {
      fold[i] = n % folds;
    });
  }
  for (let f = 0; f < folds; f++) {
    const tr = all.filter((_, i) => fold[i] !== f);
    const te = all.filter((_, i) => fold[i] === f);
    cv.push(...scoreAll(trainTextClassifier(tr, opts), te));
  }
}
const t0 = performance.now();
const full = trainTextClassifier(all, opts);
const secs = (performance.now() - t0) / 1000;
const val = scoreAll(full, readClinc(file, 'val'));
console.log(`options ${JSON.stringify(process.argv[2] ?? '{}')} train ${secs.toFixed(1)} s`);
for (const t of THRESHOLDS) {
  const a = folds > 1 ? sweep(cv, t) : { inAcc: 0, oosR: 0 };
  const b = sweep(val, t);
  console.log(
    `t=${t.toFixed(2)}  cv in ${(a.inAcc * 100).toFixed(2)} oos ${(a.oosR * 100).toFixed(1)}   val in ${(b.inAcc * 100).toFixed(2)} oos ${(b.oosR * 100).toFixed(1)}`,
  );
}

for (const key of ['raw', 'gap'] as const) {
  for (const t of [-0.3, -0.2, -0.1, 0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]) {
    const a = folds > 1 ? sweep(cv, t, key) : { inAcc: 0, oosR: 0 };
    const b = sweep(val, t, key);
    console.log(
      `${key}<${t.toFixed(2)}  cv in ${(a.inAcc * 100).toFixed(2)} oos ${(a.oosR * 100).toFixed(1)}   val in ${(b.inAcc * 100).toFixed(2)} oos ${(b.oosR * 100).toFixed(1)}`,
    );
  }
}
