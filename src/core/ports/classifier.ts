/**
 * The port every channel's messages are classified through. The NLP module fills it;
 * the ingest pipeline only depends on this shape.
 */
export const INTENTS = [
  'consultation',
  'complaint',
  'order_status',
  'greeting',
  'thanks_bye',
  'ask_human',
  'out_of_scope',
] as const;
export type Intent = (typeof INTENTS)[number];

export type Language = 'en' | 'zh' | 'other';

/** What a person must handle, if anything: the ticket kind, or none when the bot can answer. */
export type TicketKindOrNone = 'consultation' | 'complaint' | 'none';

export interface Classification {
  language: Language;
  intent: Intent;
  /** Calibrated probability of `intent`, 0..1. */
  confidence: number;
  /** -1 (very negative) .. +1 (very positive). */
  sentiment: number;
  /** 0 (none) .. 1 (urgent: "refund now", "lawyer", "投诉", "曝光"). */
  urgency: number;
  kind: TicketKindOrNone;
}

export interface MessageClassifier {
  /** Identifies the model that produced a classification (stored with the message). */
  readonly version: string;
  /** Async: a model may run on another thread (the sentence encoder does). */
  classify(text: string): Promise<Classification>;
}
