import { join } from 'node:path';
import { macroF1 } from '../../src/nlp/metrics.js';
import { mulberry32, shuffleInPlace } from '../../src/nlp/random.js';
import { trainTextClassifier } from '../../src/nlp/trainer.js';
import { DEFAULT_MODEL_OPTIONS, readCorpus } from './corpus.js';
import { readComplaints } from './formats.js';
const m = trainTextClassifier(readCorpus(), DEFAULT_MODEL_OPTIONS);
const ci = m.labels.indexOf('complaint');
for (const [name, n] of [['complaints-en', 0], ['reviews-zh', 5000]] as const) {
  let d = readComplaints(join('/work/shared/datasets', name, 'train.csv'));
  if (n) d = shuffleInPlace(d, mulberry32(7)).slice(0, n);
  const probs = d.map((e) => m.predict(e.text).probabilities[ci]!);
  const gold = d.map((e) => e.label);
  const line = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => `${t}:${(macroF1(gold, probs.map((p) => (p > t ? 'complaint' : 'not_complaint'))) * 100).toFixed(1)}`);
  console.log(name, line.join(' '));
}
