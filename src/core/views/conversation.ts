import { type Static, Type } from '@sinclair/typebox';
import { ChannelSchema } from './channel.js';
import { LanguageSchema } from './classification.js';
import { literalUnion } from './schema-helpers.js';

/** The bot's memory within a conversation, for its hand-off rules. */
export const BotStateSchema = Type.Object({
  /** Messages in a row it did not understand (out of scope or low confidence). */
  lowConfidenceStreak: Type.Integer({ minimum: 0 }),
  /** The FAQ article it answered with and asked "did this help?" about, if it awaits the answer. */
  awaitingFeedbackOn: Type.Optional(Type.String()),
});
export type BotState = Static<typeof BotStateSchema>;

export const ConversationSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    channel: ChannelSchema,
    status: literalUnion(['open', 'resolved'] as const),
    language: Type.Optional(LanguageSchema),
    /** Where to answer on the platform (Slack channel and thread, Discord channel). */
    channelRef: Type.Optional(Type.Record(Type.String(), Type.String())),
    botState: BotStateSchema,
  },
  { title: 'Conversation' },
);
export type ConversationView = Static<typeof ConversationSchema>;
