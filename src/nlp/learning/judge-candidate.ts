import { DEFAULT_MODEL_OPTIONS } from '../intent/shipped-corpus.js';
import { macroF1 } from '../learner/metrics.js';
import type { TextClassifier } from '../learner/text-classifier.js';
import { type LabelledText, type TrainOptions, trainTextClassifier } from '../learner/trainer.js';
import { splitForRetraining } from './evaluation-split.js';

/** A retraining that cannot succeed by running again (bad data, nothing to judge on). */
export class PermanentRetrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentRetrainError';
  }
}

/** Training stopped for a reason outside the data (its thread died): running again may work. */
export class TrainingInterrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingInterrupted';
  }
}

export interface JudgeInput {
  /** The shipped corpus (src/nlp/corpus/{en,zh}.jsonl): always trained on. */
  corpus: readonly LabelledText[];
  /** The written hold-out set (src/nlp/corpus/holdout.jsonl): never trained on. */
  holdout: readonly LabelledText[];
  /** Staff corrections, oldest first (a later one for the same text wins). */
  corrections: readonly LabelledText[];
  /** The model in use; null when none can be compared (then the candidate is promoted). */
  active: TextClassifier | null;
  /** Share of corrections kept for evaluation, by a stable hash of their text (default 0.2). */
  correctionEvalFraction?: number;
  /** Training corrections count this many times: they are few, deliberate and from real traffic. */
  correctionWeight?: number;
  /** Trainer options; default: those of the shipped model. */
  options?: TrainOptions;
  /** How to train; default: in this thread (the retraining job uses trainInThread). */
  train?: (
    examples: readonly LabelledText[],
    options: TrainOptions,
  ) => TextClassifier | Promise<TextClassifier>;
}

/** Scores of the candidate and of the model in use on one evaluation slice, and the decision. */
export interface Verdict {
  candidateMacroF1: number;
  activeMacroF1: number | null;
  promote: boolean;
}

/** The promotion rule: not worse than the model in use (or nothing to compare with). */
export function verdictOf(candidateMacroF1: number, activeMacroF1: number | null): Verdict {
  return {
    candidateMacroF1,
    activeMacroF1,
    promote: activeMacroF1 === null || candidateMacroF1 >= activeMacroF1,
  };
}

export interface Judgement extends Verdict {
  candidate: TextClassifier;
  /** Evaluation examples, and how many of them are corrections. */
  heldOut: number;
  heldOutCorrections: number;
  trainedOn: { corpus: number; corrections: number };
  /** What the candidate was trained on (corrections repeated by their weight). */
  trainingExamples: readonly LabelledText[];
  /** What both were scored on. */
  evaluation: readonly LabelledText[];
}

const scoreOn = (model: TextClassifier, data: readonly LabelledText[]) =>
  macroF1(
    data.map((e) => e.label),
    data.map((e) => model.predict(e.text).label),
  );

/**
 * Trains a candidate the way the shipped model is trained (corpus, plus the training side of the
 * corrections) and scores it and the model in use, macro-F1 over intents, on examples neither
 * has seen (see evaluation-split.ts). Promote only if the candidate is not worse.
 */
export async function judgeCandidate(input: JudgeInput): Promise<Judgement> {
  const split = splitForRetraining(input);
  if (split.evaluation.length === 0) {
    throw new PermanentRetrainError(
      'no evaluation examples: holdout.jsonl is missing and there are no corrections',
    );
  }
  if (new Set(split.evaluation.map((e) => e.label)).size < 2) {
    throw new PermanentRetrainError('evaluation examples cover fewer than two intents');
  }
  const weight = Math.max(1, Math.round(input.correctionWeight ?? 3));
  const examples = [
    ...split.train,
    ...split.trainCorrections.flatMap((e) => Array.from({ length: weight }, () => e)),
  ];
  let candidate: TextClassifier;
  try {
    candidate = await (input.train ?? trainTextClassifier)(examples, input.options ?? DEFAULT_MODEL_OPTIONS);
  } catch (err) {
    if (err instanceof TrainingInterrupted) throw err;
    throw new PermanentRetrainError(`training failed: ${(err as Error).message}`);
  }
  const candidateMacroF1 = scoreOn(candidate, split.evaluation);
  const activeMacroF1 = input.active ? scoreOn(input.active, split.evaluation) : null;
  return {
    ...verdictOf(candidateMacroF1, activeMacroF1),
    candidate,
    heldOut: split.evaluation.length,
    heldOutCorrections: split.evaluationCorrections,
    trainedOn: { corpus: split.train.length, corrections: split.trainCorrections.length },
    trainingExamples: examples,
    evaluation: split.evaluation,
  };
}
