import { join } from 'node:path';
import { macroF1 } from '../../src/nlp/metrics.js';
import { mulberry32, shuffleInPlace } from '../../src/nlp/random.js';
import { sentimentScore } from '../../src/nlp/sentiment.js';
import { trainTextClassifier } from '../../src/nlp/trainer.js';
import { readCorpus } from './corpus.js';
import { readComplaints } from './formats.js';
const corpus = readCorpus().map((e) => ({ text: e.text, label: e.label === 'complaint' ? 'complaint' : 'not_complaint' }));
const opts = JSON.parse(process.argv[2] ?? '{}');
const m = trainTextClassifier(corpus, { name: 'bin', classWeights: 'balanced', ...opts });
const ci = m.labels.indexOf('complaint');
for (const [name, n] of [['complaints-en', 0], ['reviews-zh', 5000]] as const) {
  let d = readComplaints(join('/work/shared/datasets', name, 'train.csv'));
  if (n) d = shuffleInPlace(d, mulberry32(7)).slice(0, n);
  const gold = d.map((e) => e.label);
  const probs = d.map((e) => m.predict(e.text).probabilities[ci]!);
  const sent = d.map((e) => sentimentScore(e.text));
  const line = [0.3, 0.5, 0.7].map((t) => `bin>${t}:${(macroF1(gold, probs.map((p) => (p > t ? 'complaint' : 'not_complaint'))) * 100).toFixed(1)}`);
  const line2 = [0, -0.2, -0.4].map((t) => `sent<${t}:${(macroF1(gold, sent.map((p) => (p < t ? 'complaint' : 'not_complaint'))) * 100).toFixed(1)}`);
  console.log(name, line.join(' '), line2.join(' '), 'T', m.temperature.toFixed(3));
}
