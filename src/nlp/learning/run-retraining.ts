import type { EventBus } from '../../core/events/domain-events.js';
import type { ClassifierHolder } from '../../core/ports/classifier-holder.js';
import type { DomainLogger } from '../../core/ports/logger.js';
import type { ModelRegistry } from '../../core/ports/model-registry.js';
import { type EncoderEnsemble, pairHeads } from '../encoder/default-ensemble.js';
import type { EmbeddingHead } from '../encoder/embedding-head.js';
import { trainHeads } from '../encoder/train-head.js';
import { loadDefaultModel } from '../intent/default-model.js';
import { readCorpus, readHoldout } from '../intent/shipped-corpus.js';
import { TextClassifier, type TextClassifierJson } from '../learner/text-classifier.js';
import type { LabelledText } from '../learner/trainer.js';
import { type JudgeInput, judgeCandidate, PermanentRetrainError, type Verdict } from './judge-candidate.js';
import { judgeServed } from './judge-served.js';
import { trainInThread } from './train-in-thread.js';
import { headsForVersion } from './version-heads.js';

export interface RetrainingDeps {
  registry: ModelRegistry;
  holder: ClassifierHolder;
  events: EventBus;
  log: DomainLogger;
  /**
   * When the app runs the sentence encoders: their intent heads are retrained from the same
   * examples and stored with the version (a correction reaches every part), and the candidate
   * and the model in use are judged as served, each with its heads.
   */
  ensemble?: EncoderEnsemble | null;
}

/** Tests (and tools) may train on less: a corpus subsample keeps a run well under a second. */
export type RetrainingTuning = Pick<JudgeInput, 'options' | 'correctionEvalFraction' | 'correctionWeight'> & {
  corpus?: readonly LabelledText[];
  holdout?: readonly LabelledText[];
};

export interface RetrainingOutcome {
  version: string;
  promoted: boolean;
  /** The model it was compared with (null: none comparable, the candidate won by default). */
  comparedWith: string | null;
  candidateMacroF1: number;
  activeMacroF1: number | null;
  heldOut: number;
  heldOutCorrections: number;
  trainedOn: { corpus: number; corrections: number };
  /** What was compared: the n-gram models, or each with its encoder heads (as served). */
  judgedAs: 'n-gram' | 'n-gram + encoder';
}

/**
 * The retraining job: corpus + corrections → candidate → judged against the deployment's active
 * model on examples neither saw → stored as a version either way, and made active (announced to
 * every process with `model.promoted`) only if not worse. Safe to re-run: versions are content
 * ids, stored once.
 */
export async function runRetraining(
  deps: RetrainingDeps,
  tuning: RetrainingTuning = {},
): Promise<RetrainingOutcome> {
  let corpus: readonly LabelledText[];
  let holdout: readonly LabelledText[];
  try {
    corpus = tuning.corpus ?? readCorpus();
    holdout = tuning.holdout ?? readHoldout();
  } catch (err) {
    throw new PermanentRetrainError(`shipped corpus unreadable: ${(err as Error).message}`);
  }
  const corrections = await deps.registry.corrections();
  // The deployment's pointer is the truth; this process's model is only a fallback before any promotion.
  const activeVersion = (await deps.registry.activeVersion()) ?? deps.holder.current().version;
  const active = await comparableModel(deps.registry, activeVersion);
  if (!active) deps.log.warn({ activeVersion }, 'no comparable model in use: the candidate wins by default');

  // Trained in a thread of its own: seconds of CPU that the app's sockets must not wait for.
  const judged = await judgeCandidate({
    ...tuning,
    corpus,
    holdout,
    corrections,
    active,
    train: trainInThread,
  });
  const version = judged.candidate.version;
  const comparedWith = active?.version ?? null;
  let verdict: Verdict = judged;
  let heads: EmbeddingHead[] | null = null;
  if (deps.ensemble) {
    const encoders = deps.ensemble.map((m) => m.encoder);
    heads = await trainHeads(encoders, judged.trainingExamples, { modelVersion: version });
    if (heads) {
      verdict = await judgeServed({
        evaluation: judged.evaluation,
        candidate: { model: judged.candidate, ensemble: pairHeads(encoders, heads) },
        active: active
          ? {
              model: active,
              ensemble: await headsForVersion(deps.registry, active.version, deps.ensemble, deps.log),
            }
          : null,
      });
    }
  }
  const judgedAs = heads ? 'n-gram + encoder' : 'n-gram';
  await deps.registry.saveVersion({
    version,
    status: verdict.promote ? 'promoted' : 'rejected',
    trainedOn: judged.trainedOn,
    metrics: {
      heldOut: judged.heldOut,
      candidateMacroF1: verdict.candidateMacroF1,
      activeMacroF1: verdict.activeMacroF1,
      activeVersion: comparedWith,
      judgedAs,
    },
    json: JSON.stringify(judged.candidate.toJSON()),
    headsJson: heads ? JSON.stringify(heads.map((h) => h.toJSON())) : null,
  });
  if (verdict.promote) {
    await deps.registry.setActive(version);
    await deps.events.publish('model.promoted', { version });
  }
  const outcome: RetrainingOutcome = {
    version,
    promoted: verdict.promote,
    comparedWith,
    candidateMacroF1: verdict.candidateMacroF1,
    activeMacroF1: verdict.activeMacroF1,
    judgedAs,
    heldOut: judged.heldOut,
    heldOutCorrections: judged.heldOutCorrections,
    trainedOn: judged.trainedOn,
  };
  deps.log.info(
    outcome,
    verdict.promote ? 'intent model retrained and promoted' : 'intent model retrained, rejected',
  );
  return outcome;
}

async function comparableModel(registry: ModelRegistry, version: string): Promise<TextClassifier | null> {
  const json = await registry.modelJson(version);
  if (json) return TextClassifier.fromJSON(JSON.parse(json) as TextClassifierJson);
  return shippedIf(version);
}

let shipped: TextClassifier | null | undefined;
/** The shipped model is not in the registry; compare against it when it is the one in use. */
function shippedIf(version: string): TextClassifier | null {
  if (shipped === undefined) {
    try {
      shipped = loadDefaultModel();
    } catch {
      shipped = null;
    }
  }
  return shipped && shipped.version === version ? shipped : null;
}
