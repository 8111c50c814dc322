import type { MessageClassifier } from '../core/ports/classifier.js';
import type { Logger } from '../infra/logger.js';
import { loadDefaultModel } from './default-model.js';
import { createIntentClassifier } from './intent-classifier.js';
import { KeywordClassifier } from './keyword-classifier.js';

/** The shipped trained model; the keyword rules only if the model file is missing or broken. */
export async function loadDefaultClassifier(log: Logger): Promise<MessageClassifier> {
  const started = performance.now();
  try {
    const classifier = createIntentClassifier(loadDefaultModel());
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
