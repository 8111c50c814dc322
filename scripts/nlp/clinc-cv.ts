/**
 * Developer tool: chooses clinc150's out-of-scope reject rule (oos score boost and calibrated
 * confidence threshold, see RejectRule) and compares training options by stratified k-fold
 * cross-validation on train+oos_train only, then reports the official val split for
 * confirmation. Usage: npx tsx scripts/nlp/clinc-cv.ts '<TrainOptions JSON>' [folds]
 */
import { join } from 'node:path';
import {
  type LabelledText,
  mulberry32,
  shuffleInPlace,
  softmaxInto,
  type TextClassifier,
  type TrainOptions,
  trainTextClassifier,
} from '../../src/nlp/index.js';
import { OOS_LABEL, readClinc } from './formats.js';
import { datasetsDir } from './paths.js';
import { trainOptionsFor } from './profiles.js';

interface Scored {
  gold: number;
  /** Raw per-class scores of the model without a reject rule. */
  raw: Float64Array;
  temperature: number;
}

function scoreAll(model: TextClassifier, data: readonly LabelledText[]): Scored[] {
  const bare = model.withReject(null);
  return data.map((e) => ({
    gold: bare.labels.indexOf(e.label),
    raw: bare.scores(e.text),
    temperature: bare.temperature,
  }));
}

/** In-scope accuracy and oos recall of the rule "boost the oos score, then reject below t". */
function sweep(s: readonly Scored[], oos: number, boost: number, t: number): { inAcc: number; oosR: number } {
  let inN = 0;
  let inOk = 0;
  let oN = 0;
  let oOk = 0;
  const p = new Float64Array(s[0]?.raw.length ?? 0);
  const b = new Float64Array(p.length);
  for (const x of s) {
    b.set(x.raw);
    b[oos] = b[oos]! + boost;
    softmaxInto(b, x.temperature, p);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    const pred = best !== oos && p[best]! < t ? oos : best;
    if (x.gold === oos) {
      oN++;
      if (pred === oos) oOk++;
    } else {
      inN++;
      if (pred === x.gold) inOk++;
    }
  }
  return { inAcc: inOk / inN, oosR: oOk / oN };
}

const base = trainOptionsFor('clinc150');
const opts: TrainOptions = { ...base, ...(JSON.parse(process.argv[2] ?? '{}') as TrainOptions) };
const folds = Number(process.argv[3] ?? 5);
const file = join(datasetsDir(), 'clinc150/train_val.json');
const all = readClinc(file, 'train');
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
const oos = full.labels.indexOf(OOS_LABEL);
const pct = (x: number) => (x * 100).toFixed(2);
console.log(
  `options ${JSON.stringify(opts)} train ${secs.toFixed(1)} s, current rule ${JSON.stringify(opts.reject)}`,
);
for (const boost of [0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]) {
  for (const t of [0, 0.1, 0.15, 0.2, 0.25, 0.3]) {
    const a = folds > 1 ? sweep(cv, oos, boost, t) : { inAcc: 0, oosR: 0 };
    const b = sweep(val, oos, boost, t);
    console.log(
      `boost ${boost.toFixed(2)} t ${t.toFixed(2)}  cv in ${pct(a.inAcc)} oos ${pct(a.oosR)}   val in ${pct(b.inAcc)} oos ${pct(b.oosR)}`,
    );
  }
}
