/**
 * Complaint-vs-rest quality of the shipped model on messages it never saw (see corpus.ts).
 *   npx tsx scripts/nlp/eval-shipped.ts            # the model file as shipped
 *   npx tsx scripts/nlp/eval-shipped.ts --retrain  # retrain from the corpus first (not saved)
 */

import { loadDefaultHeads, loadModel, trainTextClassifier } from '../../src/nlp/index.js';
import { DEFAULT_MODEL_OPTIONS, DEFAULT_MODEL_PATH, printUnseenBothWays, readCorpus } from './corpus.js';

const retrain = process.argv.includes('--retrain');
const t0 = performance.now();
const model = retrain
  ? trainTextClassifier(readCorpus(), DEFAULT_MODEL_OPTIONS)
  : loadModel(DEFAULT_MODEL_PATH);
console.log(
  `${retrain ? 'trained' : 'loaded'} ${model.version} in ${((performance.now() - t0) / 1000).toFixed(2)} s, T=${model.temperature.toFixed(3)}`,
);
await printUnseenBothWays(model, loadDefaultHeads());
