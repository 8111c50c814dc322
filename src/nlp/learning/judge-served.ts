import type { EncoderEnsemble } from '../encoder/default-ensemble.js';
import type { SentenceEncoder } from '../encoder/sentence-encoder.js';
import { createIntentClassifier } from '../intent-classifier.js';
import { macroF1 } from '../metrics.js';
import type { TextClassifier } from '../text-classifier.js';
import type { LabelledText } from '../trainer.js';
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
  // Both versions read the same texts through the same encoders: embed each text once.
  const memo = new Map<SentenceEncoder, SentenceEncoder>();
  const remembered = (encoder: SentenceEncoder): SentenceEncoder => {
    let m = memo.get(encoder);
    if (!m) {
      const vectors = new Map<string, Promise<Float32Array>>();
      m = {
        name: encoder.name,
        dimensions: encoder.dimensions,
        embed: (text) => {
          let v = vectors.get(text);
          if (!v) {
            v = encoder.embed(text);
            vectors.set(text, v);
          }
          return v;
        },
        close: () => encoder.close(),
      };
      memo.set(encoder, m);
    }
    return m;
  };
  const score = async (served: ServedModel) => {
    const classifier = createIntentClassifier(served.model, {
      ensemble: served.ensemble.map(({ encoder, head }) => ({ encoder: remembered(encoder), head })),
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
