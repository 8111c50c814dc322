import { macroF1 } from './metrics.js';
import { DEFAULT_MODEL_OPTIONS } from './shipped-corpus.js';
import { stratifiedSplit } from './split.js';
import type { TextClassifier } from './text-classifier.js';
import { type LabelledText, type TrainOptions, trainTextClassifier } from './trainer.js';

export interface RetrainInput {
  corpus: readonly LabelledText[];
  corrections: readonly LabelledText[];
  /** The model in use; null when none can be compared (then the candidate is promoted). */
  active: TextClassifier | null;
  heldOutFraction?: number;
  seed?: number;
  /** Staff corrections count this many times in training: they are few and deliberate. */
  correctionWeight?: number;
  options?: TrainOptions;
}

export interface RetrainResult {
  candidate: TextClassifier;
  candidateMacroF1: number;
  activeMacroF1: number | null;
  heldOut: number;
  promote: boolean;
}

const score = (model: TextClassifier, data: readonly LabelledText[]) =>
  macroF1(
    data.map((e) => e.label),
    data.map((e) => model.predict(e.text).label),
  );

/**
 * Trains a candidate intent model from the shipped corpus plus staff corrections, and decides
 * whether to promote it: both the candidate and the active model are scored (macro-F1) on the
 * same fixed-seed held-out slice, which the candidate never trained on; the candidate wins only
 * if it is not worse.
 */
export function retrainIntentModel(input: RetrainInput): RetrainResult {
  const all = [
    ...input.corpus.map((e) => ({ ...e, correction: false })),
    ...input.corrections.map((e) => ({ ...e, correction: true })),
  ];
  const { train, holdout } = stratifiedSplit(
    all,
    (e) => e.label,
    input.heldOutFraction ?? 0.2,
    input.seed ?? 11,
  );
  const weight = input.correctionWeight ?? 3;
  const examples = train.flatMap((e) => (e.correction ? Array.from({ length: weight }, () => e) : [e]));
  const candidate = trainTextClassifier(examples, input.options ?? DEFAULT_MODEL_OPTIONS);
  const candidateMacroF1 = score(candidate, holdout);
  const activeMacroF1 = input.active ? score(input.active, holdout) : null;
  return {
    candidate,
    candidateMacroF1,
    activeMacroF1,
    heldOut: holdout.length,
    promote: activeMacroF1 === null || candidateMacroF1 >= activeMacroF1,
  };
}
