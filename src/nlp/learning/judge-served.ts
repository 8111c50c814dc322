import type { EncoderEnsemble } from '../encoder/default-ensemble.js';
import { remembering } from '../encoder/vector-cache.js';
import { createIntentClassifier } from '../intent/intent-classifier.js';
import { macroF1 } from '../learner/metrics.js';
import type { TextClassifier } from '../learner/text-classifier.js';
import type { LabelledText } from '../learner/trainer.js';
import { type Verdict, verdictOf } from './judge-candidate.js';

export interface ServedModel {
  model: TextClassifier;
  ensemble: EncoderEnsemble;
}

/**
 * With the sentence encoders on, processes serve n-gram model + heads, so that is what the
 * candidate and the model in use are compared as: macro-F1 over intents through the product's
 * classifier, on the same evaluation examples the n-gram judgement used.
 */
export async function judgeServed(input: {
  evaluation: readonly LabelledText[];
  candidate: ServedModel;
  active: ServedModel | null;
}): Promise<Verdict> {
  const score = async (served: ServedModel) => {
    // Both versions read the same texts through the same encoders: each text is embedded once.
    const classifier = createIntentClassifier(served.model, {
      ensemble: served.ensemble.map(({ encoder, head }) => ({ encoder: remembering(encoder), head })),
    });
    const predicted: string[] = [];
    for (const e of input.evaluation) predicted.push((await classifier.classify(e.text)).intent);
    return macroF1(
      input.evaluation.map((e) => e.label),
      predicted,
    );
  };
  const candidateMacroF1 = await score(input.candidate);
  return verdictOf(candidateMacroF1, input.active ? await score(input.active) : null);
}
