import { afterAll, beforeAll } from 'vitest';
import type { MessageClassifier } from '../../src/core/ports/classifier.js';
import {
  closeEnsemble,
  createIntentClassifier,
  type EncoderEnsemble,
  loadDefaultEncoderEnsemble,
  loadDefaultModel,
} from '../../src/nlp/index.js';

/** Both ways the app can run the shipped model, for describe.each. */
export const SHIPPED_MODES = [
  ['with the sentence encoders', true],
  ['n-gram model alone (NLP_SENTENCE_ENCODER=false)', false],
] as const;

/**
 * The shipped classifier for the enclosing describe block, built before its tests and its
 * encoder closed after them. Call the returned function inside a test.
 */
export function useShippedClassifier(withEncoder: boolean): () => MessageClassifier {
  let ensemble: EncoderEnsemble | null = null;
  let classifier: MessageClassifier | null = null;
  beforeAll(async () => {
    ensemble = withEncoder ? await loadDefaultEncoderEnsemble() : null;
    classifier = createIntentClassifier(loadDefaultModel(), { ensemble });
  });
  afterAll(async () => {
    await closeEnsemble(ensemble);
  });
  return () => {
    if (!classifier) throw new Error('shipped classifier used outside a test');
    return classifier;
  };
}
