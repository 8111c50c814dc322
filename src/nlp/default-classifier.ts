import type { MessageClassifier } from '../core/ports/classifier.js';
import type { Logger } from '../infra/logger.js';
import { KeywordClassifier } from './keyword-classifier.js';

/** The classifier the app starts with. */
export async function loadDefaultClassifier(log: Logger): Promise<MessageClassifier> {
  const classifier = new KeywordClassifier();
  log.info({ version: classifier.version }, 'classifier loaded');
  return classifier;
}
