import { createHash } from 'node:crypto';
import type { LabelledText } from '../learner/trainer.js';

/**
 * Which examples a retraining may train on and which it is judged on.
 *
 * The judgement compares the candidate with the model in use, so the evaluation examples must
 * be unseen by BOTH. A random slice of "corpus + corrections" cannot promise that: the shipped
 * model was trained on the whole corpus, and a slice re-drawn each time the corrections grow
 * overlaps what the previous candidate trained on. Both favour the model in use, and a learning
 * loop built on them never promotes anything. Here instead:
 *
 * - `holdout.jsonl` (written apart from the corpus, never trained on) is always evaluation;
 * - each correction falls in the evaluation part or the training part by a hash of its text, so
 *   an example keeps its side for ever, whatever else is added, and duplicates share a side;
 * - the corpus is always training (as for the shipped model), minus any line whose text is an
 *   evaluation example.
 *
 * So no model this loop trains, nor the shipped one, ever sees an evaluation example.
 */
export interface RetrainingSplit {
  train: LabelledText[];
  /** Corrections in `train` (each listed once; the trainer may weight them). */
  trainCorrections: LabelledText[];
  evaluation: LabelledText[];
  /** How many of `evaluation` are staff corrections (the rest: the written hold-out set). */
  evaluationCorrections: number;
}

/** Normalised text: the identity of an example for splitting and de-duplication. */
export function exampleKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Stable bucket in [0, 1) from the example's text alone. */
export function bucketOf(text: string, salt = 'parley-retrain'): number {
  const digest = createHash('sha256')
    .update(`${salt}\u0000${exampleKey(text)}`)
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export function splitForRetraining(input: {
  corpus: readonly LabelledText[];
  holdout: readonly LabelledText[];
  corrections: readonly LabelledText[];
  /** Share of corrections kept for evaluation (default 0.2). */
  correctionEvalFraction?: number;
}): RetrainingSplit {
  const fraction = input.correctionEvalFraction ?? 0.2;
  // A staff correction is the latest word on a text: it replaces a hold-out label for the same text.
  const evaluation = new Map<string, LabelledText>();
  for (const e of input.holdout) evaluation.set(exampleKey(e.text), { text: e.text, label: e.label });
  const trainCorrections = new Map<string, LabelledText>();
  const evaluationCorrectionKeys = new Set<string>();
  for (const c of input.corrections) {
    const key = exampleKey(c.text);
    if (!key) continue;
    const example = { text: c.text, label: c.label };
    if (evaluation.has(key) || bucketOf(c.text) < fraction) {
      evaluation.set(key, example);
      evaluationCorrectionKeys.add(key);
    } else {
      trainCorrections.set(key, example);
    }
  }
  const train = input.corpus
    .filter((e) => !evaluation.has(exampleKey(e.text)))
    .map((e) => ({ text: e.text, label: e.label }));
  return {
    train,
    trainCorrections: [...trainCorrections.values()],
    evaluation: [...evaluation.values()],
    evaluationCorrections: evaluationCorrectionKeys.size,
  };
}
