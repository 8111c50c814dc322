import type { MessageClassifier } from './classifier.js';

/**
 * The classifier in use, swappable at run time: a promoted model replaces it in every process
 * without a restart, and messages being classified keep the one they started with.
 */
export class ClassifierHolder {
  constructor(private active: MessageClassifier) {}

  current(): MessageClassifier {
    return this.active;
  }

  swap(next: MessageClassifier): MessageClassifier {
    const previous = this.active;
    this.active = next;
    return previous;
  }
}
