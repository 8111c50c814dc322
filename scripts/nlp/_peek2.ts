import { trainTextClassifier } from '../../src/nlp/trainer.js';
import { DEFAULT_MODEL_OPTIONS, readCorpus } from './corpus.js';
const m = trainTextClassifier(readCorpus(), DEFAULT_MODEL_OPTIONS);
console.log(m.labels.join(' '), 'bias', [...m.weights.bias].map((b) => b.toFixed(2)).join(' '));
for (const t of ['God is good all the time, and all the time, God is good.', 'I get in Twitter to aggravate ppl and log off. That’s it', 'xyzzy plugh frobnicate', 'Giving away 5 copies of @Mag_Chatterton\'s debut #poetry collection, #ThisLullaby! https://t.co/xcvMtDQcxl', 'the second i clock in i’m literally the fakest bitch you’ll ever meet']) {
  console.log([...m.scores(t)].map((s) => s.toFixed(2)).join(' '), '|', t.slice(0, 50));
}
