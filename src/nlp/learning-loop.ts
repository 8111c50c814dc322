import type { EventBus } from '../core/events/domain-events.js';
import type { ClassifierHolder } from '../core/ports/classifier-holder.js';
import type { DomainLogger } from '../core/ports/logger.js';
import { loadDefaultModel } from './default-model.js';
import { createIntentClassifier } from './intent-classifier.js';
import { type RetrainInput, retrainIntentModel } from './retrain.js';
import { readCorpus } from './shipped-corpus.js';
import { TextClassifier, type TextClassifierJson } from './text-classifier.js';
import type { LabelledText } from './trainer.js';

/** Where model versions and corrections live (MongoDB: src/db/repositories/model-registry.ts). */
export interface ModelRegistry {
  corrections(): Promise<LabelledText[]>;
  activeVersion(): Promise<string | null>;
  modelJson(version: string): Promise<string | null>;
  saveVersion(v: {
    version: string;
    status: 'promoted' | 'rejected';
    trainedOn: { corpus: number; corrections: number };
    metrics: {
      heldOut: number;
      candidateMacroF1: number;
      activeMacroF1: number | null;
      activeVersion: string | null;
    };
    json: string;
  }): Promise<void>;
  setActive(version: string): Promise<void>;
}

export interface RetrainOutcome {
  version: string;
  promoted: boolean;
  candidateMacroF1: number;
  activeMacroF1: number | null;
  heldOut: number;
}

/**
 * The retraining job's work: corpus + corrections → candidate → compared with the model in use
 * on a held-out slice → stored, and promoted (announced to every process) only if not worse.
 * Safe to re-run: versions are content ids, stored once.
 */
export async function retrainAndMaybePromote(
  deps: { registry: ModelRegistry; holder: ClassifierHolder; events: EventBus; log: DomainLogger },
  tuning: Pick<RetrainInput, 'options' | 'heldOutFraction' | 'seed'> & {
    corpus?: RetrainInput['corpus'];
  } = {},
): Promise<RetrainOutcome> {
  const corpus = tuning.corpus ?? readCorpus();
  const corrections = await deps.registry.corrections();
  const activeVersion = deps.holder.current().version;
  const activeModel = await loadVersion(deps.registry, activeVersion);
  const result = retrainIntentModel({
    ...tuning,
    corpus,
    corrections,
    active: activeModel ?? loadShippedIfActive(activeVersion),
  });
  const version = result.candidate.version;
  await deps.registry.saveVersion({
    version,
    status: result.promote ? 'promoted' : 'rejected',
    trainedOn: { corpus: corpus.length, corrections: corrections.length },
    metrics: {
      heldOut: result.heldOut,
      candidateMacroF1: result.candidateMacroF1,
      activeMacroF1: result.activeMacroF1,
      activeVersion,
    },
    json: JSON.stringify(result.candidate.toJSON()),
  });
  if (result.promote) {
    await deps.registry.setActive(version);
    await deps.events.publish('model.promoted', { version });
  }
  deps.log.info(
    { version, promoted: result.promote, candidate: result.candidateMacroF1, active: result.activeMacroF1 },
    'intent model retrained',
  );
  return {
    version,
    promoted: result.promote,
    candidateMacroF1: result.candidateMacroF1,
    activeMacroF1: result.activeMacroF1,
    heldOut: result.heldOut,
  };
}

async function loadVersion(registry: ModelRegistry, version: string): Promise<TextClassifier | null> {
  const json = await registry.modelJson(version);
  return json ? TextClassifier.fromJSON(JSON.parse(json) as TextClassifierJson) : null;
}

let shipped: TextClassifier | null | undefined;
/** The shipped model is not in the registry; compare against it when it is the one in use. */
function loadShippedIfActive(activeVersion: string): TextClassifier | null {
  if (shipped === undefined) {
    try {
      shipped = loadDefaultModel();
    } catch {
      shipped = null;
    }
  }
  return shipped && shipped.version === activeVersion ? shipped : null;
}

/**
 * Puts the promoted version in use in this process: at start, and on every `model.promoted`
 * event, so running processes switch models without a restart.
 */
export async function activatePromoted(
  deps: { registry: ModelRegistry; holder: ClassifierHolder; log: DomainLogger },
  version?: string,
): Promise<boolean> {
  const wanted = version ?? (await deps.registry.activeVersion());
  if (!wanted || wanted === deps.holder.current().version) return false;
  const model = await loadVersion(deps.registry, wanted);
  if (!model) {
    deps.log.error({ version: wanted }, 'promoted intent model not found');
    return false;
  }
  const previous = deps.holder.swap(createIntentClassifier(model));
  deps.log.info({ version: wanted, previous: previous.version }, 'intent model switched');
  return true;
}
