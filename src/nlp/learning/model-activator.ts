import type { ClassifierHolder } from '../../core/ports/classifier-holder.js';
import type { DomainLogger } from '../../core/ports/logger.js';
import type { ModelRegistry } from '../../core/ports/model-registry.js';
import type { EncoderEnsemble } from '../encoder/default-ensemble.js';
import { createIntentClassifier } from '../intent/intent-classifier.js';
import { TextClassifier, type TextClassifierJson } from '../learner/text-classifier.js';
import { headsForVersion } from './version-heads.js';

export interface ModelActivator {
  /**
   * Makes this process use the deployment's active model (the stored pointer, not the event's
   * payload: promotions arriving out of order still end on the latest). Resolves to the version
   * switched to, or null when nothing changed. Calls run one after another.
   */
  sync(reason: string, announced?: string): Promise<string | null>;
}

/** Hot reload: at start and on every `model.promoted`, every process swaps in the active model. */
export function createModelActivator(deps: {
  registry: ModelRegistry;
  holder: ClassifierHolder;
  log: DomainLogger;
  /** Wraps every model switched to, as the shipped one was (null: n-gram model only). */
  ensemble?: EncoderEnsemble | null;
}): ModelActivator {
  let queue: Promise<unknown> = Promise.resolve();
  const once = async (reason: string, announced?: string): Promise<string | null> => {
    const wanted = await deps.registry.activeVersion();
    if (!wanted || wanted === deps.holder.current().version) return null;
    const json = await deps.registry.modelJson(wanted);
    if (!json) {
      deps.log.error({ version: wanted, reason }, 'active intent model not found in the registry');
      return null;
    }
    const started = performance.now();
    const next = createIntentClassifier(TextClassifier.fromJSON(JSON.parse(json) as TextClassifierJson), {
      ensemble: deps.ensemble ? await headsForVersion(deps.registry, wanted, deps.ensemble, deps.log) : null,
      onEncoderError: (err) => deps.log.warn({ err }, 'sentence encoder failed; n-gram model alone'),
    });
    const previous = deps.holder.swap(next);
    deps.log.info(
      {
        version: next.version,
        previous: previous.version,
        reason,
        ...(announced && announced !== wanted ? { announced } : {}),
        ms: Math.round(performance.now() - started),
      },
      'intent model switched',
    );
    return next.version;
  };
  return {
    sync(reason, announced) {
      const run = queue.then(() => once(reason, announced));
      queue = run.catch(() => {});
      return run;
    },
  };
}
