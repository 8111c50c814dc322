import type { EmbeddingHead } from '../encoder/embedding-head.js';
import type { SentenceEncoder } from '../encoder/sentence-encoder.js';
import { createIntentClassifier } from '../intent-classifier.js';
import { macroF1 } from '../metrics.js';
import type { TextClassifier } from '../text-classifier.js';
import type { LabelledText } from '../trainer.js';
import { type Verdict, verdictOf } from './judge-candidate.js';

export interface ServedModel {
  model: TextClassifier;
  head: EmbeddingHead;
}

/**
 * With the sentence encoder on, processes serve n-gram model + head, so that is what the
 * candidate and the model in use are compared as: macro-F1 over intents through the product's
 * classifier, on the same evaluation examples the n-gram judgement used.
 */
export async function judgeServed(input: {
  encoder: SentenceEncoder;
  evaluation: readonly LabelledText[];
  candidate: ServedModel;
  active: ServedModel | null;
}): Promise<Verdict> {
  const score = async (served: ServedModel) => {
    const classifier = createIntentClassifier(served.model, {
      ensemble: { encoder: input.encoder, head: served.head },
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
