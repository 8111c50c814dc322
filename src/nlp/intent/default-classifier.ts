import type { MessageClassifier } from '../../core/ports/classifier.js';
import type { Logger } from '../../infra/logger.js';
import { type EncoderEnsemble, loadDefaultEncoderEnsemble } from '../encoder/default-ensemble.js';
import { loadDefaultModel } from './default-model.js';
import { createIntentClassifier } from './intent-classifier.js';
import { KeywordClassifier } from './keyword-classifier.js';

/**
 * The sentence encoders and their intent heads, or null when turned off or not loadable (a
 * platform without ONNX Runtime's binary, a missing file): the n-gram model then runs alone,
 * which is still the product, only less good at paraphrases.
 */
export async function loadEnsembleIfEnabled(enabled: boolean, log: Logger): Promise<EncoderEnsemble | null> {
  if (!enabled) return null;
  const started = performance.now();
  try {
    const ensemble = await loadDefaultEncoderEnsemble();
    log.info(
      { encoders: ensemble.map((m) => m.encoder.name), ms: Math.round(performance.now() - started) },
      'sentence encoders loaded',
    );
    return ensemble;
  } catch (err) {
    log.warn({ err }, 'sentence encoders could not be loaded; intents from the n-gram model alone');
    return null;
  }
}

/** The shipped trained model; the keyword rules only if the model file is missing or broken. */
export async function loadDefaultClassifier(
  log: Logger,
  ensemble: EncoderEnsemble | null = null,
): Promise<MessageClassifier> {
  const started = performance.now();
  try {
    const classifier = createIntentClassifier(loadDefaultModel(), {
      ensemble,
      onEncoderError: (err) => log.warn({ err }, 'sentence encoder failed; n-gram model alone'),
    });
    log.info(
      { version: classifier.version, ms: Math.round(performance.now() - started) },
      'intent model loaded',
    );
    return classifier;
  } catch (err) {
    log.error({ err }, 'shipped intent model could not be loaded; using the keyword classifier');
    return new KeywordClassifier();
  }
}
