import type { Classification } from '../views/classification.js';

/**
 * The port every channel's messages are classified through. The NLP module fills it;
 * the ingest pipeline only depends on this shape. The shapes themselves are schemas in views/.
 */
export {
  type Classification,
  INTENTS,
  type Intent,
  type Language,
  type TicketKindOrNone,
} from '../views/classification.js';

export interface MessageClassifier {
  /** Identifies the model that produced a classification (stored with the message). */
  readonly version: string;
  /** Async: a model may run on another thread (the sentence encoder does). */
  classify(text: string): Promise<Classification>;
}
