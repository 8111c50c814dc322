import {
  type Classification,
  INTENTS,
  type Intent,
  type MessageClassifier,
  type TicketKindOrNone,
} from '../../core/ports/classifier.js';
import { sentimentScore } from '../cues/sentiment.js';
import { urgencyScore } from '../cues/urgency.js';
import type { EncoderEnsemble } from '../encoder/default-ensemble.js';
import type { TextClassifier } from '../learner/text-classifier.js';
import { detectLanguage } from '../text/language.js';
import { MENTION_WORD, normalizeText, URL_WORD } from '../text/normalize.js';
import { scriptRuns } from '../text/script-runs.js';

/**
 * Who must act on an intent:
 * - complaint                -> complaint (a person always handles complaints);
 * - consultation, ask_human  -> consultation (a question or request for a person);
 * - order_status, greeting, thanks_bye, out_of_scope -> none (the bot answers; the hand-off
 *   policy may still escalate later, e.g. low confidence twice or "that did not help").
 */
export function kindOfIntent(intent: Intent): TicketKindOrNone {
  switch (intent) {
    case 'complaint':
      return 'complaint';
    case 'consultation':
    case 'ask_human':
      return 'consultation';
    default:
      return 'none';
  }
}

export interface IntentClassifierOptions {
  /**
   * Below this calibrated confidence the intent becomes out_of_scope (0 = never). The hand-off
   * policy has its own thresholds; this one only guards against confident-looking noise.
   */
  minConfidence?: number;
  /**
   * English messages also go through sentence encoders, each with an intent head trained on its
   * vectors; the n-gram model's and the heads' probabilities are averaged. The n-gram model
   * reads phrasing it has seen; the encoders also read paraphrases (on real complaint tweets,
   * complaint vs rest rose from 78 to 84 macro-F1 on the half we may read). Chinese keeps the
   * n-gram model: the encoders are English-only.
   */
  ensemble?: EncoderEnsemble | null;
  /**
   * English messages go through the encoders only when the n-gram model's top probability is
   * below this (default 0.99; Infinity: always). A message it is that sure of rarely changes
   * intent in the average, and skipping saves the encoders' ~20 ms: on the complaints-en dev
   * half 27 % of tweets skip at a cost of 0.1 macro-F1, on holdout.jsonl's chat messages 57 %.
   */
  encodersBelowConfidence?: number;
  /** Told when the encoder fails on a message; that message then gets the n-gram model alone. */
  onEncoderError?: (err: unknown) => void;
}

const INTENT_SET: ReadonlySet<string> = new Set(INTENTS);

export const DEFAULT_ENCODERS_BELOW_CONFIDENCE = 0.99;

function isIntent(label: string): label is Intent {
  return INTENT_SET.has(label);
}

function onlyHandlesAndLinks(text: string): boolean {
  const segs = scriptRuns(normalizeText(text));
  return (
    segs.length > 0 &&
    segs.every((s) => s.kind === 'word' && (s.text === MENTION_WORD || s.text === URL_WORD))
  );
}

/** Wraps a trained intent model (labels must be port intents) as the MessageClassifier port. */
export function createIntentClassifier(
  model: TextClassifier,
  options: IntentClassifierOptions = {},
): MessageClassifier {
  const unknown = model.labels.filter((l) => !isIntent(l));
  if (unknown.length > 0) throw new Error(`model has labels that are not intents: ${unknown.join(', ')}`);
  const minConfidence = options.minConfidence ?? 0;
  const encodersBelow = options.encodersBelowConfidence ?? DEFAULT_ENCODERS_BELOW_CONFIDENCE;
  const members = options.ensemble ?? [];
  // Head column of each model label, per head (heads sort their labels; the model may not).
  const headColumns = members.map(({ head }) => {
    const columns = model.labels.map((l) => head.labels.indexOf(l));
    if (columns.includes(-1))
      throw new Error(`intent head labels ${head.labels.join(', ')} do not cover the model's`);
    return columns;
  });
  return {
    // The n-gram model's version: the one the registry promotes. Retrained heads are stored
    // with that version, and the encoders are fixed for a release, so the version names all.
    version: model.version,
    async classify(text: string): Promise<Classification> {
      // Nothing but handles and links: classify as an empty message. Alone, the placeholder
      // word would be the message's only feature and get the whole unit-length vector ("@acme"
      // came out a 1.00 complaint, as most tweet-style complaints in the corpus mention a brand).
      const input = onlyHandlesAndLinks(text) ? '' : text;
      const language = detectLanguage(text);
      let p = model.predict(input);
      if (
        members.length > 0 &&
        language === 'en' &&
        input.trim() !== '' &&
        Math.max(...p.probabilities) < encodersBelow
      ) {
        try {
          const heads = await Promise.all(
            members.map(async ({ encoder, head }) => head.probabilities(await encoder.embed(input))),
          );
          const mean = Float64Array.from(p.probabilities);
          heads.forEach((q, m) => {
            const columns = headColumns[m]!;
            for (let i = 0; i < mean.length; i++) mean[i]! += q[columns[i]!]!;
          });
          for (let i = 0; i < mean.length; i++) mean[i]! /= members.length + 1;
          p = model.decide(mean);
        } catch (err) {
          // A message must not fail (and be retried forever) because an optional encoder did.
          options.onEncoderError?.(err);
        }
      }
      let intent = p.label as Intent;
      let confidence = p.confidence;
      if (intent !== 'out_of_scope' && confidence < minConfidence) {
        confidence = 1 - confidence;
        intent = 'out_of_scope';
      }
      return {
        language,
        intent,
        confidence: Math.round(confidence * 10_000) / 10_000,
        sentiment: Math.round(sentimentScore(text) * 1000) / 1000,
        urgency: urgencyScore(text),
        kind: kindOfIntent(intent),
      };
    },
  };
}
