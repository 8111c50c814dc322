import { type Static, Type } from '@sinclair/typebox';
import { literalUnion } from './schema-helpers.js';

export const INTENTS = [
  'consultation',
  'complaint',
  'order_status',
  'greeting',
  'thanks_bye',
  'ask_human',
  'out_of_scope',
] as const;
export const IntentSchema = literalUnion(INTENTS);
export type Intent = Static<typeof IntentSchema>;

export const LANGUAGES = ['en', 'zh', 'other'] as const;
export const LanguageSchema = literalUnion(LANGUAGES);
export type Language = Static<typeof LanguageSchema>;

/** What a person must handle, if anything: the ticket kind, or none when the bot can answer. */
export const KindOrNoneSchema = literalUnion(['consultation', 'complaint', 'none'] as const);
export type TicketKindOrNone = Static<typeof KindOrNoneSchema>;

export const ClassificationSchema = Type.Object({
  language: LanguageSchema,
  intent: IntentSchema,
  confidence: Type.Number({ minimum: 0, maximum: 1, description: 'calibrated probability of intent' }),
  sentiment: Type.Number({ minimum: -1, maximum: 1, description: '-1 very negative .. +1 very positive' }),
  urgency: Type.Number({ minimum: 0, maximum: 1, description: '0 none .. 1 urgent' }),
  kind: KindOrNoneSchema,
});
export type Classification = Static<typeof ClassificationSchema>;

/** A classification as stored with a message: which model made it, and a staff correction. */
export const StoredClassificationSchema = Type.Composite([
  ClassificationSchema,
  Type.Object({
    modelVersion: Type.String(),
    correctedIntent: Type.Optional(IntentSchema),
  }),
]);
export type StoredClassification = Static<typeof StoredClassificationSchema>;
